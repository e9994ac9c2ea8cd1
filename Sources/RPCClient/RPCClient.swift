// `RPCClient` module (see docs/ARCHITECTURE.md).
