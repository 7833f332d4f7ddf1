namespace DistKit.Cli.Conventions;

/// <summary>
/// Exit codes, from BSD sysexits where one fits, so scripts can tell "try again later" from
/// "you typed it wrong". A command that runs another program returns that program's code.
/// </summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A failure with no more specific code.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong (unknown option, bad duration).</summary>
    public const int Usage = 64;

    /// <summary>The input was read but is wrong (the node answered 400).</summary>
    public const int DataError = 65;

    /// <summary>Something the command needs is not there (the node or an engine is unreachable, 5xx).</summary>
    public const int Unavailable = 69;

    /// <summary>A bug in distkit; the message says what to report.</summary>
    public const int Internal = 70;

    /// <summary>Try again later: a lock held elsewhere, a conflict (409).</summary>
    public const int TempFail = 75;

    /// <summary>The node refused the token (401/403).</summary>
    public const int NoPermission = 77;

    /// <summary>A setting is wrong; the message names it.</summary>
    public const int Config = 78;

    /// <summary>Interrupted by Ctrl+C or SIGTERM (128 + SIGINT), as shells report it.</summary>
    public const int Interrupted = 130;
}
