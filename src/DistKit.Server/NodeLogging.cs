using DistKit.Server.Settings;
using Microsoft.Extensions.Logging.Console;

namespace DistKit.Server;

/// <summary>Console logging for the node: one line per event, UTC timestamps, text or JSON.</summary>
internal static class NodeLogging
{
    public static void Configure(ILoggingBuilder logging, NodeSettings settings)
    {
        logging.ClearProviders();
        var level = Enum.Parse<LogLevel>(settings.LogLevel, ignoreCase: true);
        logging.SetMinimumLevel(level);

        // Per-request lines from the hosting layer drown the node's own events at Information.
        logging.AddFilter("Microsoft.AspNetCore", level > LogLevel.Warning ? level : LogLevel.Warning);

        if (string.Equals(settings.LogFormat, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.ColorBehavior = LoggerColorBehavior.Default;
            });
        }
    }
}
