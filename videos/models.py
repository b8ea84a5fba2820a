"""Videos own the short-video library and what each learner saved, liked and watched."""
