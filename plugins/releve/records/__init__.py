"""Records of tasks done: what happened each day, the hand-back, and new record files."""

from .handback import HandbackDay, HandbackItem, handback, latest_return
from .history import History, keeps_records
from .writing import RecordFile, new_record

__all__ = [
    "HandbackDay",
    "HandbackItem",
    "History",
    "RecordFile",
    "handback",
    "keeps_records",
    "latest_return",
    "new_record",
]
