"""GraphCanvas: the dependency graph drawn with pyqtgraph; pan, zoom, pick an edge or a node.

Nodes are coloured by cluster (grey: in no cluster) and sized by their number of links;
an edge's width and colour say how strong the link is (blue: the two rise together, red:
one rises as the other falls). The clusters' legend sits in a column of its own to the right
of the graph (in the plot's layout, so it is saved with the image), never over the nodes. A
click picks the nearest node within a few pixels, else the nearest edge; the picked edge is
drawn over a halo. Picking is computed here (distances to
every segment at once, in pixels) because pyqtgraph's GraphItem has no per-edge events.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QSizePolicy

from ...analytics.depgraph import DependencyGraph
from ..plots.charts import PALETTE
from ..plots.export import svg_paths_without_z

UNCLUSTERED = "#A0A0A0"
HALO = "#FFB000"
#: How close (pixels) a click must be to pick a node, or an edge.
NODE_PICK_PX = 10
EDGE_PICK_PX = 6
MAX_LEGEND = 12
LEGEND_COLUMN = 3
# light to dark, for weak to strong links
POSITIVE = (np.array([107, 174, 214]), np.array([8, 48, 107]))
NEGATIVE = (np.array([251, 106, 74]), np.array([153, 0, 13]))


def cluster_colour(cluster: int) -> str:
    return UNCLUSTERED if cluster <= 0 else PALETTE[(cluster - 1) % len(PALETTE)]


def node_label(graph: DependencyGraph, i: int) -> str:
    """The key, and which stream it is of when the graph mixes several (``cc1 · calls``).

    The stream is named by its aggregation, or by its source where two streams share one.
    """
    spec = graph.nodes[i].series
    streams = {n.series.stream for n in graph.nodes}
    if len(streams) < 2 or not spec.key:
        return spec.label
    aggs = [agg for _host, _source, agg in streams]
    return f"{spec.key} · {spec.agg if aggs.count(spec.agg) == 1 else spec.source}"


class GraphCanvas(pg.PlotWidget):
    """Draws a graph; ``edgePicked(edge index)`` and ``nodePicked(node index)`` on click, ``hovered(text)``."""

    edgePicked = Signal(int)
    nodePicked = Signal(int)
    hovered = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent, background="w")
        item = self.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.setMenuEnabled(False)
        item.hideButtons()
        self.setAspectLocked(True)
        self.halo = pg.PlotCurveItem(pen=pg.mkPen(HALO, width=9), connect="pairs")
        self.halo.setZValue(-1)
        self.addItem(self.halo)
        self.graph_item = pg.GraphItem()
        self.addItem(self.graph_item)
        self.ring = pg.ScatterPlotItem(size=24, pen=pg.mkPen(HALO, width=3), brush=pg.mkBrush(None))
        self.addItem(self.ring)
        self.legend = pg.LegendItem(
            brush=pg.mkBrush(255, 255, 255, 220), pen=pg.mkPen("#CCCCCC"), labelTextColor="#333333"
        )
        # beside the view box (row 2, column 1 of the plot's grid; column 2 is the hidden right axis)
        self.legend.setSizePolicy(
            QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed
        )  # its own size, at the top
        item.layout.addItem(self.legend, 2, LEGEND_COLUMN, Qt.AlignmentFlag.AlignTop)
        item.layout.setColumnStretchFactor(LEGEND_COLUMN, 0)
        self.labels: list[pg.TextItem] = []
        self.graph: DependencyGraph | None = None
        self.shown = np.zeros(0, dtype=np.intp)
        self.pos = np.zeros((0, 2))
        self.selected_edge: int | None = None
        self.selected_node: int | None = None
        self._ends = np.zeros((0, 2), dtype=np.intp)  # per edge: rows of its ends in ``pos``
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._moved)

    # -- drawing ---------------------------------------------------------------------------------------------------
    def show_graph(self, graph: DependencyGraph, shown: np.ndarray, positions: np.ndarray) -> None:
        self.graph, self.shown, self.pos = (
            graph,
            np.asarray(shown, dtype=np.intp),
            np.asarray(positions, dtype=float),
        )
        row = {int(n): r for r, n in enumerate(self.shown)}
        self._ends = np.array([(row[e.a], row[e.b]) for e in graph.edges], dtype=np.intp).reshape(-1, 2)
        degree = np.bincount(self._ends.ravel(), minlength=len(self.shown))
        sizes = 9 + 3 * np.sqrt(degree)
        brushes = [pg.mkBrush(cluster_colour(graph.nodes[i].cluster)) for i in self.shown]
        self.graph_item.setData(
            pos=self.pos,
            adj=self._ends if len(self._ends) else None,
            size=sizes,
            symbolBrush=brushes,
            symbolPen=pg.mkPen("#FFFFFF", width=1.5),
            pxMode=True,
            pen=self._edge_pens(graph) if len(self._ends) else None,
        )
        for label in self.labels:
            self.removeItem(label)
        font = QFont()
        font.setPointSizeF(8.5)
        self.labels = []
        for r, i in enumerate(self.shown):
            label = pg.TextItem(
                node_label(graph, int(i)),
                color="#222222",
                anchor=(0.5, 1.3),
                fill=pg.mkBrush(255, 255, 255, 170),
            )
            label.setFont(font)
            label.setPos(*self.pos[r])
            label.setToolTip(graph.nodes[int(i)].name)
            self.addItem(label)
            self.labels.append(label)
        self._fill_legend(graph)
        self.selected_edge = self.selected_node = None
        self._draw_selection()
        self.autoRange(padding=0.12)

    def _edge_pens(self, graph: DependencyGraph) -> np.ndarray:
        pens = np.empty(
            len(graph.edges),
            dtype=[
                ("red", np.ubyte),
                ("green", np.ubyte),
                ("blue", np.ubyte),
                ("alpha", np.ubyte),
                ("width", float),
            ],
        )
        strength = np.array([e.strength for e in graph.edges])
        span = max(1.0 - graph.threshold, 1e-6)
        f = np.clip((strength - graph.threshold) / span, 0, 1)
        sign = np.array([e.correlation >= 0 for e in graph.edges])
        for mask, (light, dark) in ((sign, POSITIVE), (~sign, NEGATIVE)):
            rgb = light[None, :] + (dark - light)[None, :] * f[mask, None]
            pens["red"][mask], pens["green"][mask], pens["blue"][mask] = rgb.T.astype(np.ubyte)
        pens["alpha"] = (170 + 85 * f).astype(np.ubyte)
        pens["width"] = 1.2 + 3.8 * f
        return pens

    def _fill_legend(self, graph: DependencyGraph) -> None:
        self.legend.clear()
        clusters = graph.clusters
        shown = set(self.shown.tolist())
        entries = [(cid, [i for i in members if i in shown]) for cid, members in clusters.items()]
        entries = [(cid, members) for cid, members in entries if members]
        for cid, members in entries[:MAX_LEGEND]:
            sample = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(cluster_colour(cid)), pen=pg.mkPen(None))
            self.legend.addItem(sample, f"cluster {cid} ({len(members)})")
        if len(entries) > MAX_LEGEND:
            self.legend.addItem(pg.ScatterPlotItem(size=0), f"… {len(entries) - MAX_LEGEND} more clusters")
        if any(graph.nodes[i].cluster == 0 for i in self.shown):
            sample = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(UNCLUSTERED), pen=pg.mkPen(None))
            self.legend.addItem(sample, "no cluster")
        self.legend.setVisible(bool(self.legend.items))

    # -- selection -------------------------------------------------------------------------------------------------
    def select_edge(self, edge: int | None) -> None:
        self.selected_edge, self.selected_node = edge, None
        self._draw_selection()

    def select_node(self, node: int | None) -> None:
        self.selected_node, self.selected_edge = node, None
        self._draw_selection()

    def _draw_selection(self) -> None:
        if self.selected_edge is not None and self.selected_edge < len(self._ends):
            ends = self.pos[self._ends[self.selected_edge]]
            self.halo.setData(ends[:, 0], ends[:, 1])
        else:
            self.halo.setData([], [])
        rows = (
            np.flatnonzero(self.shown == self.selected_node)
            if self.selected_node is not None
            else np.zeros(0, int)
        )
        self.ring.setData(pos=self.pos[rows] if len(rows) else np.zeros((0, 2)))

    def edge_at(self, point: QPointF) -> int | None:
        """The edge nearest ``point`` (view coordinates) within ``EDGE_PICK_PX`` pixels, or None."""
        if not len(self._ends):
            return None
        px, py = self._pixel_size()
        p = np.array([point.x() / px, point.y() / py])
        a = self.pos[self._ends[:, 0]] / (px, py)
        b = self.pos[self._ends[:, 1]] / (px, py)
        ab = b - a
        t = np.clip(np.einsum("ij,ij->i", p - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-12), 0, 1)
        distance = np.linalg.norm(a + t[:, None] * ab - p, axis=1)
        best = int(np.argmin(distance))
        return best if distance[best] <= EDGE_PICK_PX else None

    def node_at(self, point: QPointF) -> int | None:
        """The node (graph index) nearest ``point`` within ``NODE_PICK_PX`` pixels, or None."""
        if not len(self.shown):
            return None
        px, py = self._pixel_size()
        distance = np.hypot((self.pos[:, 0] - point.x()) / px, (self.pos[:, 1] - point.y()) / py)
        best = int(np.argmin(distance))
        return int(self.shown[best]) if distance[best] <= NODE_PICK_PX else None

    def edge_position(self, edge: int) -> QPointF:
        """The middle of an edge, in view coordinates (where a click picks it)."""
        mid = self.pos[self._ends[edge]].mean(axis=0)
        return QPointF(float(mid[0]), float(mid[1]))

    def _pixel_size(self) -> tuple[float, float]:
        size = self.getPlotItem().vb.viewPixelSize()
        return max(size[0], 1e-12), max(size[1], 1e-12)

    def _clicked(self, event) -> None:
        if self.graph is None or event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.getPlotItem().vb.mapSceneToView(event.scenePos())
        node = self.node_at(point)
        if node is not None:
            self.select_node(node)
            self.nodePicked.emit(node)
            return
        edge = self.edge_at(point)
        if edge is not None:
            self.select_edge(edge)
            self.edgePicked.emit(edge)

    def _moved(self, scene_pos) -> None:
        if self.graph is None:
            return
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        point = vb.mapSceneToView(scene_pos)
        node = self.node_at(point)
        if node is not None:
            n = self.graph.nodes[node]
            self.hovered.emit(
                f"{n.name}: {len(self.graph.neighbours(node))} links, cluster {n.cluster or '–'}"
            )
            return
        edge = self.edge_at(point)
        self.hovered.emit(describe_edge(self.graph, edge) if edge is not None else "")

    # -- export ----------------------------------------------------------------------------------------------------
    def save_image(self, path: str, width: int = 1800) -> None:
        """PNG (or another raster format Qt writes) at ``width`` pixels, or SVG when ``path`` ends in .svg."""
        item = self.getPlotItem()
        if str(path).lower().endswith(".svg"):
            exporter = pg.exporters.SVGExporter(item)
            exporter.parameters()["background"] = pg.mkColor("w")
            with svg_paths_without_z():  # the plots' work-around for pyqtgraph#3485
                exporter.export(str(path))
        else:
            exporter = pg.exporters.ImageExporter(item)
            exporter.parameters()["width"] = width
            exporter.parameters()["background"] = pg.mkColor("w")
            exporter.export(str(path))


def describe_edge(graph: DependencyGraph, edge: int) -> str:
    e = graph.edges[edge]
    a, b = graph.nodes[e.a].name, graph.nodes[e.b].name
    how = "together" if e.correlation >= 0 else "opposite"
    lag = f", {b} follows by {e.lag:g} s" if e.lag else ""
    return f"{a} ↔ {b}: strength {e.strength:.3f} ({how}){lag}"
