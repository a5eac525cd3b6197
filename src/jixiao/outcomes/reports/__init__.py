"""What using the results shows (it writes nothing): ``tables`` (an allocation's rows as a table), ``fairness``
(the checks of a cycle, in words and numbers) and ``annual`` (the annual report's content). Like
``jixiao.results.reports``, these read what is stored and speak the active language."""
