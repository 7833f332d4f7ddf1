namespace DistKit.Configuration.Access;

/// <summary>What a token may do in the namespaces of a grant.</summary>
[Flags]
public enum ConfigScope
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Read values, history, diffs, releases, schemas, drafts; watch.</summary>
    Read = 1,

    /// <summary>Stage drafts, set schemas (reading included).</summary>
    Write = 2 | Read,

    /// <summary>Publish releases: drafts, rollbacks (reading included). Writing a value and publishing it at once takes <see cref="Write"/> and this.</summary>
    Publish = 4 | Read,
}

/// <summary>One grant of a token: a scope on every namespace starting with a prefix.</summary>
/// <param name="Scope">What it allows.</param>
/// <param name="Prefix">The namespaces it covers, by whole segments: <c>shop/</c> (all under shop), <c>shop/prod</c> (it and those under it), or all for <c>*</c>.</param>
public sealed record ConfigGrant(ConfigScope Scope, string Prefix)
{
    /// <summary>Reads <c>read:shop/</c>, <c>write:shop/prod</c>, <c>publish:*</c>.</summary>
    /// <exception cref="ArgumentException">It is not scope:prefix.</exception>
    public static ConfigGrant Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var split = text.IndexOf(':', StringComparison.Ordinal);
        var scope = split < 0 ? "" : text[..split].Trim().ToLowerInvariant();
        var prefix = split < 0 ? "" : text[(split + 1)..].Trim();
        var parsed = scope switch
        {
            "read" => ConfigScope.Read,
            "write" => ConfigScope.Write,
            "publish" => ConfigScope.Publish,
            _ => ConfigScope.None,
        };
        if (parsed == ConfigScope.None || prefix.Length == 0 || prefix.Length > 256 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or '*') || (prefix.Contains('*', StringComparison.Ordinal) && prefix != "*"))
        {
            throw new ArgumentException($"scope '{text}' is not read:PREFIX, write:PREFIX or publish:PREFIX (PREFIX a namespace prefix such as shop/, or * for all)", nameof(text));
        }

        return new ConfigGrant(parsed, prefix);
    }

    /// <summary>True when this grant allows <paramref name="wanted"/> on <paramref name="ns"/>.</summary>
    public bool Allows(string ns, ConfigScope wanted) => (Scope & wanted) == wanted && Covers(ns);

    /// <summary>
    /// True when the grant covers <paramref name="ns"/>: <c>*</c> covers all; a prefix ending in
    /// <c>/</c> every namespace under it; any other prefix that namespace and those under it, by
    /// whole segments (<c>shop/prod</c> covers <c>shop/prod/eu</c>, not <c>shop/prod2</c>).
    /// </summary>
    public bool Covers(string ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return Prefix == "*"
            || (Prefix.EndsWith('/') ? ns.StartsWith(Prefix, StringComparison.Ordinal) : ns == Prefix || ns.StartsWith(Prefix + "/", StringComparison.Ordinal));
    }

    /// <inheritdoc />
    public override string ToString() => $"{(Scope == ConfigScope.Publish ? "publish" : Scope == ConfigScope.Write ? "write" : "read")}:{Prefix}";
}

/// <summary>A token's name, what it may do, and when it was made (never its secret).</summary>
/// <param name="Name">The token's name.</param>
/// <param name="Grants">What it may do.</param>
/// <param name="Created">When it was made.</param>
/// <param name="Author">Who made it.</param>
public sealed record ConfigToken(string Name, IReadOnlyList<ConfigGrant> Grants, DateTimeOffset Created, string Author)
{
    /// <summary>True when a grant allows <paramref name="wanted"/> on <paramref name="ns"/>; grants add up (write on one prefix, publish on another).</summary>
    public bool Allows(string ns, ConfigScope wanted)
    {
        var held = ConfigScope.None;
        foreach (var grant in Grants)
        {
            if (grant.Covers(ns))
            {
                held |= grant.Scope;
            }
        }

        return (held & wanted) == wanted;
    }
}
