namespace DistKit.Scheduling.Jobs;

/// <summary>What a job is delivered to.</summary>
public enum JobTargetKind
{
    /// <summary>A handler registered in the firing process by name (<c>MapHandler("send-coupon", …)</c>).</summary>
    Handler,

    /// <summary>An HTTP callback: a POST to the URL whose body is exactly the job's data.</summary>
    Http,

    /// <summary>A NATS JetStream subject, published to and acknowledged.</summary>
    Nats,
}

/// <summary>Where a job is delivered: a handler name, an absolute http(s) URL or a NATS subject.</summary>
public sealed record JobTarget
{
    private JobTarget(JobTargetKind kind, string address)
    {
        Kind = kind;
        Address = address;
    }

    /// <summary>The kind of target.</summary>
    public JobTargetKind Kind { get; }

    /// <summary>The handler name, URL or subject.</summary>
    public string Address { get; }

    /// <summary>A handler registered with <c>MapHandler(name, …)</c> in the processes that fire jobs.</summary>
    public static JobTarget Handler(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Length <= 200 ? new(JobTargetKind.Handler, name) : throw new ArgumentException("a handler name is at most 200 characters", nameof(name));
    }

    /// <summary>An HTTP callback to an absolute http or https URL.</summary>
    public static JobTarget Http(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(url.Host))
        {
            throw new ArgumentException($"'{url}' is not an absolute http or https URL", nameof(url));
        }

        return new(JobTargetKind.Http, url.AbsoluteUri);
    }

    /// <summary>A NATS subject (tokens of letters, digits, <c>-</c> and <c>_</c> between dots; no wildcards).</summary>
    public static JobTarget Nats(string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        if (subject.Split('.').Any(token => token.Length == 0 || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"'{subject}' is not a NATS subject (tokens of letters, digits, - and _ between dots, no wildcards)", nameof(subject));
        }

        return new(JobTargetKind.Nats, subject);
    }

    /// <summary>Rebuilds a target a store kept, validating it again.</summary>
    public static JobTarget From(JobTargetKind kind, string address) => kind switch
    {
        JobTargetKind.Handler => Handler(address),
        JobTargetKind.Http => Http(new Uri(address, UriKind.Absolute)),
        JobTargetKind.Nats => Nats(address),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind's wire name: <c>handler</c>, <c>http</c> or <c>nats</c>.</summary>
    public string KindName => Kind switch
    {
        JobTargetKind.Handler => "handler",
        JobTargetKind.Http => "http",
        _ => "nats",
    };

    /// <summary>Parses a kind's wire name.</summary>
    public static bool TryParseKind(string? text, out JobTargetKind kind)
    {
        switch (text)
        {
            case "handler": kind = JobTargetKind.Handler; return true;
            case "http": kind = JobTargetKind.Http; return true;
            case "nats": kind = JobTargetKind.Nats; return true;
            default: kind = default; return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{KindName}:{Address}";
}
