"""Simulation: SGD / Dom-SGD / Bulk-SGD engines, exact expected trajectories, the two-phase
analysis and the §7 reproduction. Imports from `verify.core` only."""
