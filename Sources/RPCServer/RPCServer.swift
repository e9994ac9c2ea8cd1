// `RPCServer` module (see docs/ARCHITECTURE.md).
