namespace DistKit.Cli.Bench;

/// <summary>Progress lines on a terminal's stderr; nothing when stderr is piped or redirected.</summary>
internal sealed class Progress(TextWriter stderr)
{
    private readonly bool _enabled = !Console.IsErrorRedirected && stderr == Console.Error;

    public void Report(string message)
    {
        if (_enabled)
        {
            stderr.WriteLine($"… {message}");
        }
    }
}
