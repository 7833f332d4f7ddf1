namespace DistKit.Locks;

/// <summary>Makes locks by name on one backend (in-process, Redis, etcd, PostgreSQL, …).</summary>
public interface IDistributedLockProvider
{
    /// <summary>The backend's name (<c>in-process</c>, <c>redis</c>, …).</summary>
    string Backend { get; }

    /// <summary>The lock called <paramref name="name"/>; cheap, holds nothing until acquired.</summary>
    IDistributedLock CreateLock(string name);
}
