// `VectorIndex` module (see docs/ARCHITECTURE.md).
