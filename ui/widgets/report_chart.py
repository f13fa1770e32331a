"""One report chart, drawn with Qt Charts, with its plain reading and its numbers as a table.

Charts are drawn from :class:`~warmline.report_export.ReportTable` values, where a hidden
small count is None and drawn as nothing: a bar's height would otherwise give away what the
table hides. The table under each chart holds the same numbers as text (``<5``, ``hidden``)
for screen readers and for anyone who prefers numbers to bars.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QGraphicsScene,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.prompts import Prompts
from ui.theme import set_role
from warmline.report_export import ReportTable

#: Bar colours (colour-blind safe, after Okabe and Ito), one per series.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
#: Size of a chart on paper and in a saved image, in pixels.
IMAGE_SIZE = QSize(820, 420)


def _dark() -> bool:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _high_contrast() -> bool:
    app = QApplication.instance()
    return app is not None and app.property("warmlineTheme") == "high-contrast"


def make_chart(table: ReportTable, *, dark: bool | None = None, for_paper: bool = False) -> QChart:
    """The chart for ``table``: bars per row (one set per column), hidden cells left empty."""
    chart = QChart()
    chart.setTitle(table.title if for_paper else "")
    chart.legend().setVisible(len(table.columns) > 1 and table.chart == "grouped")
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    use_dark = _dark() if dark is None else dark
    if not for_paper and _high_contrast():
        chart.setTheme(QChart.ChartTheme.ChartThemeHighContrast)
    elif use_dark and not for_paper:
        chart.setTheme(QChart.ChartTheme.ChartThemeDark)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    horizontal = table.chart == "hbar"
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    columns = table.columns if table.chart == "grouped" else table.columns[-1:]
    first = 0 if table.chart == "grouped" else len(table.columns) - 1
    top = 0.0
    for offset, column in enumerate(columns):
        bar_set = QBarSet(column)
        if for_paper or not _high_contrast():  # high contrast keeps the theme's own colours
            bar_set.setColor(QColor(COLOURS[offset % len(COLOURS)]))
        rows = list(range(len(table.row_labels)))
        if horizontal:
            rows.reverse()  # the first row at the top
        for r in rows:
            value = table.values[r][first + offset]
            bar_set.append(float(value) if value is not None else 0.0)
            top = max(top, float(value or 0))
        series.append(bar_set)
    chart.addSeries(series)
    labels = [_short(label) for label in table.row_labels]
    if horizontal:
        labels.reverse()
    categories = QBarCategoryAxis()
    categories.append(labels)
    values = QValueAxis()
    values.setRange(0, max(5.0, top * 1.1))
    values.setLabelFormat("%d")
    values.applyNiceNumbers()
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        if len(labels) > 12:
            categories.setLabelsAngle(-60)
    series.attachAxis(categories)
    series.attachAxis(values)
    if not for_paper:
        # On screen the labels follow the person's text size, like every other word.
        font = QApplication.font()
        for axis in (categories, values):
            axis.setLabelsFont(font)
        chart.legend().setFont(font)
    return chart


def _short(label: str) -> str:
    """Week labels lose "Week of" under a bar: the axis title says it."""
    return label.removeprefix("Week of ")


def chart_image(table: ReportTable, size: QSize = IMAGE_SIZE) -> QImage:
    """The chart drawn on white at ``size``: for paper, and for saving as an image."""
    chart = make_chart(table, dark=False, for_paper=True)
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.resize(QSizeF(size))
    layout = chart.layout()
    if layout is not None:
        layout.activate()  # lay out axes and bars now: nothing shows this chart on screen
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), QRectF(0, 0, size.width(), size.height()))
    painter.end()
    scene.removeItem(chart)
    chart.deleteLater()
    return image


def table_model(table: ReportTable, parent: QWidget | None = None) -> QStandardItemModel:
    """The table's shown text, row label first: what a screen reader reads cell by cell."""
    model = QStandardItemModel(len(table.row_labels), len(table.columns) + 1, parent)
    model.setHorizontalHeaderLabels([table.row_header, *table.columns])
    for r, label in enumerate(table.row_labels):
        model.setItem(r, 0, QStandardItem(label))
        for c, text in enumerate(table.shown[r], start=1):
            item = QStandardItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            model.setItem(r, c, item)
    return model


def save_chart_image(parent: QWidget, table: ReportTable) -> bool:
    """Ask where, then save the chart as a PNG; True if it was saved."""
    chosen = Prompts.save_file(
        parent,
        parent.tr("Save the chart as an image"),
        "PNG image (*.png)",
        f"{table.key.replace('_', '-')}.png",
    )
    if not chosen:
        return False
    path = Path(chosen)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(".png")
    return chart_image(table).save(str(path))


class ChartSection(QFrame):
    """Title, chart, one-line reading, the numbers as a table, and "Save as image"."""

    def __init__(self, table: ReportTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"report-section-{table.key}")
        set_role(self, "card")
        self.table = table
        self.title = QLabel(table.title)
        set_role(self.title, "subtitle")
        self.title.setWordWrap(True)
        self.view = QChartView()
        self.view.setObjectName(f"report-chart-{table.key}")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # read by its table below
        self.view.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # A fixed height: a chart that resizes with the page re-lays its axes and labels
        # each time the page grows, which held the window for tens of milliseconds a chart.
        self.view.setFixedHeight(self.fontMetrics().lineSpacing() * 18)
        self.reading = QLabel()
        self.reading.setObjectName(f"report-reading-{table.key}")
        self.reading.setWordWrap(True)
        self.numbers = QTableView()
        self.numbers.setObjectName(f"report-table-{table.key}")
        self.numbers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.numbers.setTabKeyNavigation(False)
        self.numbers.verticalHeader().setVisible(False)
        self.numbers.setWordWrap(False)
        self.numbers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.save_button = QPushButton(self.tr("Save as image…"))
        self.save_button.setObjectName(f"report-save-{table.key}")
        self.save_button.clicked.connect(lambda: save_chart_image(self, self.table))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reading, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.numbers)
        self.show_table(table)

    def show_table(self, table: ReportTable) -> None:
        self.table = table
        self.title.setText(table.title)
        old = self.view.chart()
        self.view.setChart(make_chart(table))
        if old is not None:
            old.deleteLater()
        self.reading.setText(table.reading)
        self.view.setAccessibleName(self.tr("Chart: {title}").format(title=table.title))
        self.view.setAccessibleDescription(table.reading)
        old_model = self.numbers.model()
        self.numbers.setModel(table_model(table, self.numbers))
        if old_model is not None:
            old_model.deleteLater()
        self.numbers.setAccessibleName(self.tr("{title}, as a table").format(title=table.title))
        self.numbers.setAccessibleDescription(table.reading)
        self.save_button.setAccessibleName(
            self.tr("Save the chart “{title}” as an image").format(title=table.title)
        )
        header = self.numbers.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        rows = len(table.row_labels)
        height = (
            header.sizeHint().height()
            + self.numbers.verticalHeader().defaultSectionSize() * min(rows, 12)
            + self.numbers.horizontalScrollBar().sizeHint().height()
            + 2 * self.numbers.frameWidth()
        )
        self.numbers.setMinimumHeight(height)
        self.numbers.setMaximumHeight(height)
