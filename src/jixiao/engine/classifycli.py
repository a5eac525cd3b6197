"""placeholder"""
from collections.abc import Sequence


def cmd_train(argv: Sequence[str]) -> int:
    return 0


def cmd_classify(argv: Sequence[str]) -> int:
    return 0
