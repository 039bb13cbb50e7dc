"""Per stream, the mean of each key over the window, and the busiest key's share of the total.

An example processing script (docs/processing-scripts.md). Try it:

    suricate worker --scripts docs/examples --schedule busiest
"""

# Read by the worker without running this file: literals only.
STREAMS = ["*.sampler.#"]  # routing-key patterns of the streams `frames` gets
EVERY = 10  # seconds between scheduled runs
OVER = 60  # seconds of data each run gets
PARAMS = {"top": 1}  # defaults of `params`; a job's --param overrides them


def process(frames, params):
    """``frames``: {"host.source.agg": DataFrame (UTC time index, one column per key)}."""
    import pandas as pd

    means = {}
    shares = {}
    for name, frame in frames.items():
        if frame.empty:
            continue
        mean = frame.mean()
        means[name] = mean
        total = mean.abs().sum()
        if total:
            shares[name] = mean.abs().nlargest(int(params["top"])).sum() / total
    return {
        # one snapshot now, key = (stream, key)
        "mean": pd.DataFrame({"mean": pd.concat(means)}) if means else 0.0,
        # one snapshot now, key = stream
        "busiest_share": pd.Series(shares, dtype="float64"),
    }
