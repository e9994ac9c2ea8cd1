// `Snapshot` module (see docs/ARCHITECTURE.md).
