"""An instructor's jobs: each one's progress and result, seen by its owner only."""
from __future__ import annotations

from flask import abort, jsonify, render_template, url_for
from flask_login import current_user

from ..extensions import db
from ..jobs import stalled
from ..models import DONE, FAILED, Job, utcnow
from .blueprint import bp


def own_job(job_id: int) -> Job:
    """The job, if it is the current user's; 404 otherwise (another's job is not shown)."""
    job = db.get_or_404(Job, job_id)
    if job.owner_id != current_user.id:
        abort(404)
    return job


def queue(kind: str, title: str, payload: dict, total: int = 0) -> Job:
    """A new job of the current user's, added to the session; the view commits, then
    submits it (quiz/worker.submit)."""
    job = Job(kind=kind, owner_id=current_user.id, title=title[:400], payload=payload,
              total=total)
    db.session.add(job)
    return job


@bp.route("/jobs")
def job_list():
    jobs = db.session.execute(db.select(Job).filter_by(owner_id=current_user.id)
                              .order_by(Job.id.desc()).limit(100)).scalars().all()
    return render_template("authoring/job_list.html", jobs=jobs)


@bp.route("/jobs/<int:job_id>")
def job_view(job_id: int):
    job = own_job(job_id)
    lost = stalled(job, utcnow())
    return render_template("authoring/job.html", job=job, stalled=lost,
                           finished=job.state in (DONE, FAILED) or lost)


@bp.route("/jobs/<int:job_id>.json")
def job_status(job_id: int):
    """What the job page's script polls: the state, the progress and the page to reload."""
    job = own_job(job_id)
    return jsonify(state=job.state, done=job.done, total=job.total,
                   finished=job.state in (DONE, FAILED) or stalled(job, utcnow()),
                   page=url_for("authoring.job_view", job_id=job.id))
