// `WireProtocol` module (see docs/ARCHITECTURE.md).
