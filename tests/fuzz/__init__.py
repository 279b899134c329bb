"""Fuzzing the scenario loader and the models with mutated scenario files."""
