namespace Personalize.Cli;

/// <summary>PNG line charts for evaluation reports, drawn with ScottPlot (headless, no display needed).</summary>
internal static class Charts
{
    /// <summary>Draws one line per series over shared x values and saves a PNG.</summary>
    public static void SaveLines(string path, string title, string xLabel, string yLabel, IReadOnlyList<(string Name, double[] X, double[] Y)> series)
    {
        var plot = new ScottPlot.Plot();
        foreach (var (name, x, y) in series)
        {
            var line = plot.Add.Scatter(x, y);
            line.LegendText = name;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend();
        plot.SavePng(path, 800, 480);
    }
}
