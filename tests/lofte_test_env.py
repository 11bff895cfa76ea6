"""Loaded as a pytest plugin (``-p tests.lofte_test_env``) before pytest-django reads settings.

Tests never touch a developer's ./var: the session gets a private LOFTE_HOME before Django
derives the SQLite path and keys from it.
"""

import os
import tempfile

os.environ["LOFTE_HOME"] = tempfile.mkdtemp(prefix="lofte-test-")
