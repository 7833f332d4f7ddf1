namespace DistKit.Testing;

/// <summary>
/// A server binary the tests need is not installed. Tests fail with this, never skip: the
/// message names the Debian package and the script that installs it.
/// </summary>
public sealed class ServerBinaryMissingException(string binary, string debianPackage)
    : Exception($"'{binary}' was not found: install the Debian package '{debianPackage}' (scripts/test.sh installs every server the tests need)")
{
    /// <summary>The Debian package that provides the binary.</summary>
    public string DebianPackage { get; } = debianPackage;
}
