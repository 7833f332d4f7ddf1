namespace DistKit.Core;

/// <summary>
/// The root of every exception DistKit throws for a condition of its own (as opposed to
/// argument, state, timeout and cancellation errors, which use the BCL types).
/// </summary>
/// <remarks>
/// Catch this type to handle every DistKit failure in one place; catch a sealed subtype when
/// the decision depends on what it carries. <see cref="IsTransient"/> says whether the same call
/// may succeed if retried later.
/// </remarks>
public class DistKitException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public DistKitException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    public DistKitException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>Creates an exception with no message; prefer the overloads that explain.</summary>
    public DistKitException() { }

    /// <summary>True when retrying the same call later may succeed (a server restarting, a lease in flight).</summary>
    public bool IsTransient { get; init; }
}
