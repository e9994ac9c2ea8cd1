import Foundation

/// An SVG of the per-task loss and σ² curves over training steps (the paper's Fig. 5): per phase of
/// the log (the model-selection run, then the final run; each with its own step axis, so no curve
/// runs backwards) a row of two panels, one polyline per task, log-scaled σ².
public enum LossCurvePlot {
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    static let phaseTitles = ["selection": "model selection (validation split)", "final": "final run"]

    /// Renders the points of a training log.
    public static func svg(points: [TrainingLog.Point], names: [String], title: String = "M2GRL training") -> String {
        let w = 900.0, panelW = 400.0, panelH = 260.0, rowH = panelH + 80
        var phases: [String] = []
        for p in points where !phases.contains(p.phase) { phases.append(p.phase) }
        if phases.isEmpty { phases = ["final"] }
        let titled = phases.count > 1
        let rowTop = titled ? 70.0 : 50.0
        let legendTop = rowTop + Double(phases.count - 1) * (rowH + (titled ? 20 : 0)) + panelH
        let h = legendTop + 50 + 20 * Double((names.count + 3) / 4)
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"\(w / 2)\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>\n"
        for (row, phase) in phases.enumerated() {
            let top = rowTop + Double(row) * (rowH + (titled ? 20 : 0))
            if titled {
                out += "<text x=\"\(w / 2)\" y=\"\(top - 28)\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escape(phaseTitles[phase] ?? phase))</text>\n"
            }
            out += panels(points.filter { $0.phase == phase }, names: names, top: top, panelW: panelW, panelH: panelH)
        }
        for (t, name) in names.enumerated() {
            let x = 60.0 + Double(t % 4) * 200, y = legendTop + 55 + Double(t / 4) * 20
            out += "<rect x=\"\(x)\" y=\"\(y - 9)\" width=\"14\" height=\"4\" fill=\"\(colors[t % colors.count])\"/>"
            out += "<text x=\"\(x + 20)\" y=\"\(y - 4)\">\(escape(name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// The loss and σ² panels of one phase, whose top edge is at `top`.
    static func panels(_ points: [TrainingLog.Point], names: [String], top: Double, panelW: Double, panelH: Double) -> String {
        var out = ""
        let maxStep = Double(points.map(\.step).max() ?? 1)
        for (panel, label) in [(0, "loss (batch mean)"), (1, "σ² (log scale)")] {
            let x0 = 60.0 + Double(panel) * (panelW + 60)
            func value(_ p: TrainingLog.Point, _ t: Int) -> Double? {
                let v = Double(panel == 0 ? p.losses[t] : p.variances[t])
                guard v.isFinite, panel == 0 || v > 0 else { return nil }
                return panel == 0 ? v : log10(v)
            }
            let all = points.flatMap { p in names.indices.compactMap { value(p, $0) } }
            var lo = all.min() ?? 0, hi = all.max() ?? 1
            if hi - lo < 1e-9 { lo -= 0.5; hi += 0.5 }
            out += "<rect x=\"\(x0)\" y=\"\(top)\" width=\"\(panelW)\" height=\"\(panelH)\" fill=\"none\" stroke=\"#444\"/>\n"
            out += "<text x=\"\(x0 + panelW / 2)\" y=\"\(top - 8)\" text-anchor=\"middle\">\(label)</text>\n"
            out += "<text x=\"\(x0 + panelW / 2)\" y=\"\(top + panelH + 30)\" text-anchor=\"middle\">step</text>\n"
            for i in 0...4 {
                let v = lo + (hi - lo) * Double(i) / 4
                let y = top + panelH - panelH * Double(i) / 4
                let text = panel == 0 ? String(format: "%.2f", v) : String(format: "%.3g", pow(10, v))
                out += "<text x=\"\(x0 - 5)\" y=\"\(y + 4)\" text-anchor=\"end\">\(text)</text>\n"
                let sx = x0 + panelW * Double(i) / 4
                out += "<text x=\"\(sx)\" y=\"\(top + panelH + 15)\" text-anchor=\"middle\">\(Int(maxStep * Double(i) / 4))</text>\n"
            }
            for t in names.indices {
                let coords = points.compactMap { p -> String? in
                    guard let v = value(p, t) else { return nil }
                    let x = x0 + panelW * Double(p.step) / max(maxStep, 1)
                    let y = top + panelH - panelH * (v - lo) / (hi - lo)
                    return String(format: "%.1f,%.1f", x, y)
                }
                guard !coords.isEmpty else { continue }
                out += "<polyline fill=\"none\" stroke=\"\(colors[t % colors.count])\" stroke-width=\"1.5\" points=\"\(coords.joined(separator: " "))\"/>\n"
            }
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
