"""Running the pipeline locally: the ASL interpreter (`asl`), the stages wired to it
(`local_pipeline`) and `amp serve`'s bounded job launcher (`local_launcher`)."""
