"""suspicious-alignment: verification toolkit for Deng et al., 'Suspicious Alignment of SGD'
(ALT 2026). The Python API (`verify.load_case`, `verify.evaluate`, `verify.decide`,
`verify.check`, `verify.prove`, `verify.simulate`; the claim units are `verify.claims.CLAIMS`) is loaded on
first use (see verify/api.py)."""

__version__ = "0.1.0"
_API = ("Case", "check", "decide", "evaluate", "load_case", "make_case", "prove", "simulate")
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from verify import api

        return getattr(api, name)
    raise AttributeError(f"module 'verify' has no attribute {name!r}")
