//! Real fediverse peers nobody here wrote (bovine-herd, Fedify), installed by the test set-up.
