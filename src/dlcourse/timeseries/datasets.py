"""Two real series shipped inside statsmodels, loaded offline with a proper time index.

Giving statsmodels a date or period index *with a frequency* is what keeps it from
warning that it cannot tell how far apart the observations are.
"""
from __future__ import annotations

from typing import Any

__all__ = ["load_sunspots", "load_co2"]


def load_sunspots() -> Any:
    """Yearly mean sunspot numbers 1700-2008 (309 values) as a ``pandas.Series``.

    Index: ``pandas.PeriodIndex`` with annual frequency. Source: ``statsmodels.api.datasets.sunspots``
    (Wolf/SIDC yearly sunspot numbers; several years are exactly 0).
    """
    import pandas as pd
    from statsmodels.datasets import sunspots

    data = sunspots.load_pandas().data
    index = pd.period_range(start=str(int(data["YEAR"].iloc[0])), periods=len(data), freq="Y")
    return pd.Series(data["SUNACTIVITY"].to_numpy(dtype=float), index=index, name="sunspots")


def load_co2() -> Any:
    """Monthly mean atmospheric CO2 at Mauna Loa, March 1958 - December 2001, in ppm.

    statsmodels ships *weekly* readings with gaps (59 missing weeks). They are averaged per
    calendar month (``resample("MS").mean()``); the 5 months with no reading at all
    (1958-06, 1958-10, 1964-02 to 1964-04) are filled by linear interpolation between the
    neighbouring months. Returns 526 values with a ``DatetimeIndex`` of frequency ``MS``.
    """
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean().interpolate(method="linear")
    monthly.name = "co2"
    return monthly
