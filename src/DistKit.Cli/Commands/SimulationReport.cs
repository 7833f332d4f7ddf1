using System.Globalization;
using System.Net;
using System.Text;

namespace DistKit.Cli.Commands;

/// <summary>The HTML of <c>distkit balance simulate --report</c>: one self-contained page, charts drawn as inline SVG bars.</summary>
internal static class SimulationReport
{
    public static string Html(BalanceSimulation simulation)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>distkit balance simulate</title><style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}")
            .Append("td:first-child,th:first-child{text-align:left}svg text{font:12px system-ui,sans-serif}</style></head><body>")
            .Append(CultureInfo.InvariantCulture, $"<h1>Load-balancing simulation</h1><p>{simulation.Endpoints} endpoints, {simulation.Clients} clients started at the same instant, {simulation.Requests:N0} calls per policy, seed {simulation.Seed}.</p>");
        foreach (var scenario in simulation.Scenarios)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{Encode(scenario.Name)}</h2><p>Endpoint 0: median {scenario.Endpoints[0].MedianMs} ms, failure rate {scenario.Endpoints[0].FailureRate:P0}; the others: median {scenario.Endpoints[1].MedianMs} ms. Offered load {scenario.Utilization:P0} of the healthy capacity.</p>");
            html.Append("<h3>p99 latency (ms)</h3>").Append(Bars(scenario.Results.Select(r => (r.Policy, r.P99Ms)).ToList(), "ms"));
            html.Append("<h3>Share of calls sent to endpoint 0</h3>").Append(Bars(scenario.Results.Select(r => (r.Policy, r.RequestShare[0] * 100)).ToList(), "%"));
            html.Append("<table><tr><th>policy</th><th>max/mean load</th><th>p50 ms</th><th>p99 ms</th><th>p999 ms</th><th>errors</th></tr>");
            foreach (var r in scenario.Results)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(r.Policy)}</td><td>{r.MaxMeanLoad:0.00}</td><td>{r.P50Ms:0.0}</td><td>{r.P99Ms:0.0}</td><td>{r.P999Ms:0.0}</td><td>{r.Errors}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>Keyed policies, {simulation.Keys:N0} keys</h2>");
        html.Append("<h3>Keys moved when one endpoint is removed (%)</h3>").Append(Bars(simulation.Keyed.Select(k => (k.Policy, k.MovedOnRemove * 100)).ToList(), "%"));
        html.Append("<h3>Keys moved when one endpoint is added (%)</h3>").Append(Bars(simulation.Keyed.Select(k => (k.Policy, k.MovedOnAdd * 100)).ToList(), "%"));
        html.Append("<table><tr><th>policy</th><th>max/mean keys</th><th>moved −1</th><th>moved +1</th></tr>");
        foreach (var k in simulation.Keyed)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Encode(k.Policy)}</td><td>{k.MaxMeanKeys:0.000}</td><td>{k.MovedOnRemove:P1}</td><td>{k.MovedOnAdd:P1}</td></tr>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</table><p>Ideal movement: {1.0 / simulation.Endpoints:P1} on removal, {1.0 / (simulation.Endpoints + 1):P1} on addition. A Maglev table of {simulation.MaglevTable.Size} slots gives its largest endpoint {simulation.MaglevTable.MaxMean:0.0000}× the mean share.</p></body></html>");
        return html.ToString();
    }

    private static string Bars(IReadOnlyList<(string Label, double Value)> rows, string unit)
    {
        const int Width = 640;
        const int Label = 220;
        const int Row = 20;
        var max = Math.Max(rows.Max(r => r.Value), 1e-9);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg width=\"{Width + Label + 80}\" height=\"{rows.Count * Row + 4}\" role=\"img\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value) = rows[i];
            var y = i * Row;
            var w = Math.Max(1, value / max * Width);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 14}\">{Encode(label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{Label}\" y=\"{y + 3}\" width=\"{w:0.#}\" height=\"{Row - 6}\" fill=\"#4a78c2\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{Label + w + 6:0.#}\" y=\"{y + 14}\">{value:0.##} {unit}</text>");
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
