#!/usr/bin/python3
"""Every layer of ntmsim's GeoPackages as QGIS draws it (issue 18): opens each spatial layer with
QGIS's own provider, which applies the default style of the file's layer_styles table, then every
other style stored for the layer, and checks with the renderer itself that each feature gets
exactly one symbol: nothing invisible, nothing drawn twice.

    render_layers.py [--png DIR] [--require-style] FILE.gpkg... | DIR...

DIRs are searched for *.gpkg. With --png, each layer's default style is rendered to DIR, and each
file with several layers as one map (the QGIS screenshots of the docs). Exit 0: all drawn; 1: a feature has no symbol; 77: QGIS's Python API
cannot be imported (the test is skipped; scripts/install-deps.sh installs python3-qgis).
"""
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

try:
    from qgis.core import (Qgis, QgsApplication, QgsExpressionContextUtils,
                           QgsMapRendererCustomPainterJob, QgsMapSettings, QgsRenderContext,
                           QgsVectorLayer)
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage, QPainter
    from qgis.PyQt.QtXml import QDomDocument
except ImportError as e:
    print(f"SKIP: QGIS's Python API (python3-qgis) cannot be imported ({e}); "
          "install it with scripts/install-deps.sh to run this test")
    sys.exit(77)


def gpkg_files(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in sorted(os.walk(a)):
                for f in sorted(files):
                    if f.endswith(".gpkg"):
                        yield os.path.join(root, f)
        else:
            yield a


def spatial_layers(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = [r[0] for r in db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")]
        styles = {}
        try:
            for table, name, qml, default in db.execute(
                    "SELECT f_table_name, styleName, styleQML, useAsDefault FROM layer_styles"):
                styles.setdefault(table, []).append((name, qml, default))
        except sqlite3.OperationalError:
            pass
    return names, styles


def check_renderer(layer):
    """Features with no symbol or more than one: (fid, values) of each, at most 5."""
    renderer = layer.renderer().clone()
    context = QgsRenderContext()
    context.expressionContext().appendScopes(
        QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    renderer.startRender(context, layer.fields())
    bad, count = [], 0
    for f in layer.getFeatures():
        count += 1
        context.expressionContext().setFeature(f)
        symbols = renderer.symbolsForFeature(f, context)
        # A rule-based renderer lists its root rule too: the feature's own class is the rest.
        keys = renderer.legendKeysForFeature(f, context) - {"root"}
        if len(symbols) != 1 or len(keys) != 1:
            bad.append((f.id(), len(symbols), dict(zip(layer.fields().names(), f.attributes()))))
    renderer.stopRender(context)
    return count, bad


def render_png(layers, path):
    """`layers` drawn top first, as QGIS's map canvas would, into a 900 × 700 PNG."""
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[-1].crs())
    extent = layers[-1].extent()
    settings.setExtent(extent.buffered(extent.width() * 0.03))
    settings.setOutputSize(QSize(900, 700))
    settings.setBackgroundColor(QColor(255, 255, 255))
    image = QImage(settings.outputSize(), QImage.Format_ARGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    job = QgsMapRendererCustomPainterJob(settings, painter)
    job.start()
    job.waitForFinished()
    painter.end()
    image.save(path)


def main(argv):
    png_dir, require_style, args = None, False, []
    it = iter(argv)
    for a in it:
        if a == "--png":
            png_dir = next(it)
        elif a == "--require-style":
            require_style = True
        else:
            args.append(a)
    app = QgsApplication([], False)
    app.initQgis()
    failures, layers_checked, features_checked = [], 0, 0
    for path in gpkg_files(args):
        names, styles = spatial_layers(path)
        if png_dir and len(names) > 1:
            # The whole file as one map: works over the communes, each layer in its default style.
            order = [n for n in names if n != "communes"] + [n for n in names if n == "communes"]
            keep = [QgsVectorLayer(f"{path}|layername={n}", n, "ogr") for n in order]
            os.makedirs(png_dir, exist_ok=True)
            stem = os.path.splitext(os.path.basename(path))[0]
            render_png(keep, os.path.join(png_dir, f"{stem}.png"))
        for name in names:
            layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
            if not layer.isValid():
                failures.append(f"{path}: layer {name}: QGIS cannot open it")
                continue
            stored = styles.get(name, [])
            if require_style and not any(d for _, _, d in stored):
                failures.append(f"{path}: layer {name}: no default style in layer_styles")
            if require_style and layer.renderer().type() != "RuleRenderer":
                failures.append(f"{path}: layer {name}: QGIS did not apply the default style "
                                f"(renderer {layer.renderer().type()})")
            count, bad = check_renderer(layer)
            layers_checked += 1
            features_checked += count
            for fid, n, values in bad[:5]:
                failures.append(f"{path}: layer {name}, default style: feature {fid} gets {n} "
                                f"symbols: {values}")
            if png_dir:
                os.makedirs(png_dir, exist_ok=True)
                stem = os.path.splitext(os.path.basename(path))[0]
                render_png([layer], os.path.join(png_dir, f"{stem}-{name}.png"))
            for style_name, qml, _ in stored:
                doc = QDomDocument()
                doc.setContent(qml)
                ok, message = layer.importNamedStyle(doc)
                if not ok:
                    failures.append(f"{path}: layer {name}, style '{style_name}': QGIS cannot "
                                    f"read it: {message}")
                    continue
                _, bad = check_renderer(layer)
                for fid, n, values in bad[:5]:
                    failures.append(f"{path}: layer {name}, style '{style_name}': feature {fid} "
                                    f"gets {n} symbols: {values}")
    for f in failures:
        print("FAIL:", f)
    print(f"{layers_checked} layers, {features_checked} features drawn by QGIS "
          f"{Qgis.QGIS_VERSION}; "
          f"{len(failures)} problems")
    return 1 if failures or not layers_checked else 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    # QGIS 3.22 may crash while tearing its registries down (exitQgis, interpreter exit) after
    # the work is done: leave without it.
    os._exit(code)
