"""Execution layer: independent tasks run serially, on a local Dask cluster of processes, or on
an existing Dask cluster (`run_tasks`), with aggregated progress; the sweep command."""
