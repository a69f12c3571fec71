"""The project's pipeline code: each DVC stage is a module run with `python -m`.

A stage is a short process that imports large libraries (pandas, scikit-learn, MLflow) and
exits, and Python's last garbage collection at exit walks every object they made: measured,
1-2 s for a stage that starts MLflow, to free memory the process hands back anyway. Freezing
the objects (`gc.freeze`) once every other exit handler has run (the first registered runs
last) makes that collection skip them.
"""

import atexit
import gc

atexit.register(gc.freeze)
