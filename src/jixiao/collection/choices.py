"""Words of data collection."""

from jixiao.indicators.choices import DataSource

#: A value's provenance uses the library's data sources (手工填报, 批量导入, 系统对接 ...).
ValueSource = DataSource

__all__ = ["ValueSource"]
