"""The instructor's authoring pages: questions, quizzes, documents, imports and exports.

Each page module adds its routes to the blueprint (blueprint.py) when imported here.
"""
from . import builder, bulk, documents, jobs, questions, quizstate, quizzes, transfer
from .blueprint import bp

__all__ = ["bp", "builder", "bulk", "documents", "jobs", "questions", "quizstate", "quizzes",
           "transfer"]
