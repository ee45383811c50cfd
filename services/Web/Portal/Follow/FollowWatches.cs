using Microsoft.Extensions.Options;

namespace Complaints.Web.Portal.Follow;

/// <summary>
/// Counts the live-update streams this replica holds open, per browser session (its follow session's random id) and in
/// all: a session past <see cref="FollowOptions.MaxWatchesPerSession"/> (many tabs, or a script gone wrong) is refused
/// without throttling anyone else, as a cap per client IP at the services would throttle every complainant behind this
/// one web app at once.
/// </summary>
public sealed class FollowWatches(IOptions<FollowOptions> options)
{
    private readonly Dictionary<string, int> _perSession = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _total;

    public int Active
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>A lease to dispose when the stream ends, or null when the session or the replica is at its cap.</summary>
    public IDisposable? TryAcquire(string sessionId)
    {
        lock (_gate)
        {
            var held = _perSession.GetValueOrDefault(sessionId);
            if (held >= options.Value.MaxWatchesPerSession || _total >= options.Value.MaxWatches)
            {
                return null;
            }
            _perSession[sessionId] = held + 1;
            _total++;
            return new Lease(this, sessionId);
        }
    }

    private void Release(string sessionId)
    {
        lock (_gate)
        {
            _total--;
            if (--_perSession[sessionId] == 0)
            {
                _perSession.Remove(sessionId);
            }
        }
    }

    private sealed class Lease(FollowWatches owner, string sessionId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(sessionId);
            }
        }
    }
}
