"""The patient's questionnaire wizard."""
from screening.wizard import urgent_notice
from screening.wizard.views import bp

# For the questionnaire's pages: their urgent message says the clinic will be told only when it will be
# (screening/wizard/urgent_notice.py).
bp.app_context_processor(urgent_notice.context)

__all__ = ["bp"]
