"""Background jobs of imports."""

from __future__ import annotations

from jixiao.celery import app


@app.task(name="jixiao.import_file")  # type: ignore[untyped-decorator]  # celery is untyped
def import_task(job_id: int) -> str:
    """Run an import job on a worker (the services audit it with the job as source)."""
    from jixiao.imports.services import run_import_job

    return run_import_job(job_id)
