"""Read tables 2, 3 and 4 from their rows, by label, whatever the layout damage.

Rows are identified by the anchors of ``gkreport.template``; a number is only stored in a cell
when its place is certain: by the cell's column where the layout shows it, else by the count of
numbers in its row, else by the template's arithmetic. A blank cell is 0 only where that
arithmetic forces it. Everything uncertain becomes a ``Check``.
"""

from .table2 import Table2, detect_table2_format, read_table2
from .table3 import Table3, read_table3
from .table4 import Table4, read_table4

__all__ = ["Table2", "Table3", "Table4", "detect_table2_format", "read_table2", "read_table3", "read_table4"]
