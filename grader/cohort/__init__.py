"""The instructor's side: ``kata grade`` over a whole download of submissions, locally or on Dask."""
