// `M2GRLTrainer` module (see docs/ARCHITECTURE.md).
