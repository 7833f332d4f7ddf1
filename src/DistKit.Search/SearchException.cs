using DistKit.Core;

namespace DistKit.Search;

/// <summary>
/// A search request the engine refuses, in Elasticsearch's terms: its error <see cref="Type"/>
/// (<c>parsing_exception</c>, <c>illegal_argument_exception</c>, …) and HTTP <see cref="Status"/>,
/// so the REST API answers exactly as Elasticsearch would and clients map it to the same exception.
/// </summary>
public sealed class SearchException : DistKitException
{
    /// <summary>Creates the exception.</summary>
    public SearchException(string type, string reason, int status = 400, Exception? innerException = null)
        : base(reason, innerException)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Type = type;
        Status = status;
    }

    /// <summary>Elasticsearch's error type.</summary>
    public string Type { get; }

    /// <summary>The HTTP status Elasticsearch answers it with.</summary>
    public int Status { get; }

    /// <summary>A query Elasticsearch would not parse: <c>parsing_exception</c>, 400.</summary>
    public static SearchException Parsing(string reason) => new("parsing_exception", reason);

    /// <summary>A request with a value out of range: <c>illegal_argument_exception</c>, 400.</summary>
    public static SearchException IllegalArgument(string reason) => new("illegal_argument_exception", reason);
}
