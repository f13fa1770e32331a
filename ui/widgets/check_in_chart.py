"""A chart of a worker's own check-ins over time, drawn with Qt Charts.

Only the numbers of the check-in scale and their moments go into it (never words), and it is
built from the person's own reflections after unlock, like the rest of My reflections. The
points are exactly the saved check-ins (``warmline.debriefs.check_in_points``); a test holds
it to that.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCharts import QChart, QChartView, QDateTimeAxis, QLineSeries, QValueAxis
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt, QTime
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QWidget

from warmline import ips


def point_of(moment: datetime, value: int) -> QPointF:
    """A check-in as a chart point: milliseconds since the epoch, and the value."""
    return QPointF(float(int(moment.timestamp() * 1000)), float(value))


class CheckInChart(QChartView):
    """How I have been after calls: one point per check-in, oldest on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reflections-chart")
        self.setAccessibleName(self.tr("Chart of how you have been after calls"))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The view itself takes focus (and is named); its inner drawing surface does not.
        self.viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.viewport().setAccessibleName(self.accessibleName())
        self.series = QLineSeries()
        self.series.setName(self.tr("How I was"))
        self.series.setPointsVisible(True)
        chart = QChart()
        chart.setObjectName("reflections-chart-chart")
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.addSeries(self.series)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("d MMM")
        self.x_axis.setTickCount(5)
        self.y_axis = QValueAxis()
        scale = ips.reflection().check_in_scale
        self.y_axis.setRange(scale[0][0] - 0.5, scale[-1][0] + 0.5)
        self.y_axis.setTickCount(len(scale) + 1)
        self.y_axis.setLabelFormat("%.0f")
        self.y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        self.y_axis.setTickAnchor(scale[0][0])
        self.y_axis.setTickInterval(1)
        chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.x_axis)
        self.series.attachAxis(self.y_axis)
        self.setChart(chart)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        self.setMaximumHeight(self.fontMetrics().lineSpacing() * 16)
        self._follow_palette()

    def set_points(self, points: list[tuple[datetime, int]]) -> None:
        """Show these check-ins (oldest first) and fit the time axis to them."""
        self.series.replace([point_of(moment, value) for moment, value in points])
        if points:
            # Whole days from the day before the first check-in to the day after the last,
            # one tick a day at midnight (fewer over long spans), so no date shows twice.
            first = QDateTime.fromMSecsSinceEpoch(int(points[0][0].timestamp() * 1000))
            last = QDateTime.fromMSecsSinceEpoch(int(points[-1][0].timestamp() * 1000))
            start = QDateTime(first.toLocalTime().date().addDays(-1), QTime(0, 0))
            end = QDateTime(last.toLocalTime().date().addDays(2), QTime(0, 0))
            days = start.daysTo(end)
            self.x_axis.setRange(start, end)
            self.x_axis.setTickCount(days + 1 if days <= 8 else 6)
        values = ", ".join(str(value) for _, value in points)
        self.setAccessibleDescription(
            self.tr("Check-ins, oldest first: {values}").format(values=values)
            if points
            else self.tr("No check-ins yet")
        )

    def points(self) -> list[tuple[float, float]]:
        """The drawn points as (milliseconds, value), for tests and for saving."""
        return [(p.x(), p.y()) for p in self.series.points()]

    def _follow_palette(self) -> None:
        """Chart colours from the app's palette, so dark and high-contrast themes read."""
        palette = self.palette()
        chart = self.chart()
        chart.setBackgroundBrush(palette.brush(QPalette.ColorRole.Base))
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsBrush(palette.brush(QPalette.ColorRole.Text))
        pen = self.series.pen()
        pen.setColor(palette.color(QPalette.ColorRole.Highlight))
        pen.setWidth(2)
        self.series.setPen(pen)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._follow_palette()
