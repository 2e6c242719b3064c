"""The patient's questionnaire wizard."""
from screening.wizard.views import bp

__all__ = ["bp"]
