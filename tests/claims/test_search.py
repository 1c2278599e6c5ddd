"""The counterexample search (verify/claims/search.py): which regions of the hypotheses it
reaches, how it steers, and when it decides. Mirrors verify/claims/search.py."""
