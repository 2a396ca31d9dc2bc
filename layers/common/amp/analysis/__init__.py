"""Audio measurement and reference analysis.

`levels` and `decode` are numpy/scipy only, so the zip-packaged mix Lambda may import them;
`features` imports librosa lazily and belongs to the container-image Lambdas (analyze, qa)."""
