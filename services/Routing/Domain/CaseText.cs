using System.Text;
using Complaints.Routing.Data;
using Complaints.ServiceDefaults.Errors;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Routing.Domain;

/// <summary>
/// Seals and reads a case's free text with the case's own data key, wrapped by <c>Routing:MasterKey</c>.
/// After an erasure the key is gone and every sealed field reads as <see cref="Erased"/>.
/// </summary>
public sealed class CaseText(byte[] masterKey)
{
    public const string Erased = "[erased]";

    public static CaseText From(IConfiguration configuration) => new(SealedBox.ReadKey(configuration, "Routing:MasterKey"));

    /// <summary>Gives a new case its key.</summary>
    public void Provision(Case c) =>
        c.WrappedKey = SealedBox.Seal(masterKey, SealedBox.NewKey(), SealedBox.Aad(c.ComplaintId, "data-key"));

    public Fields Open(Case c) =>
        new(c.ComplaintId, c.WrappedKey is null ? null : SealedBox.Open(masterKey, c.WrappedKey, SealedBox.Aad(c.ComplaintId, "data-key")));

    /// <summary>A case's key unwrapped once, to read or seal several fields.</summary>
    public sealed class Fields(Guid owner, byte[]? key)
    {
        public byte[]? Seal(string? value, string field)
        {
            if (value is null)
            {
                return null;
            }
            // After an erasure nothing is stored: the entry keeps its title, kind and actor only.
            return key is null ? null : SealedBox.Seal(key, Encoding.UTF8.GetBytes(value), SealedBox.Aad(owner, field));
        }

        public string? Read(byte[]? cipher, string field) =>
            cipher is null ? null : key is null ? Erased : Encoding.UTF8.GetString(SealedBox.Open(key, cipher, SealedBox.Aad(owner, field)));

        /// <summary>Timeline details and reasons, bound to the case.</summary>
        public byte[]? SealEntry(string? value) => Seal(value, "timeline");

        public string? ReadEntry(byte[]? cipher) => Read(cipher, "timeline");
    }
}
