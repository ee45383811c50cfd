using System.Text;
using Complaints.ServiceDefaults.Security;

namespace Complaints.Intake.Security;

/// <summary>
/// Envelope encryption with AES-256-GCM: each complaint has its own random data key, stored only
/// wrapped by the master key. Each field is bound to its complaint and name (associated data), so
/// ciphertext cannot be moved between rows or columns. Destroying the wrapped key erases the fields.
/// </summary>
public sealed class FieldProtector(KeyMaterial keys)
{
    public (byte[] DataKey, byte[] Wrapped) NewDataKey(Guid owner)
    {
        var dataKey = SealedBox.NewKey();
        return (dataKey, Seal(keys.MasterKey, dataKey, Aad(owner, "data-key")));
    }

    public byte[] Unwrap(byte[] wrapped, Guid owner) => Open(keys.MasterKey, wrapped, Aad(owner, "data-key"));

    public byte[] Encrypt(byte[] dataKey, Guid owner, string field, string plaintext) =>
        Seal(dataKey, Encoding.UTF8.GetBytes(plaintext), Aad(owner, field));

    public string Decrypt(byte[] dataKey, Guid owner, string field, byte[] cipher) =>
        Encoding.UTF8.GetString(Open(dataKey, cipher, Aad(owner, field)));

    public byte[] EncryptBytes(byte[] dataKey, Guid owner, string field, byte[] plaintext) => Seal(dataKey, plaintext, Aad(owner, field));

    public byte[] DecryptBytes(byte[] dataKey, Guid owner, string field, byte[] cipher) => Open(dataKey, cipher, Aad(owner, field));

    /// <summary>A complaint's data key unwrapped once, to read or seal several of its fields.</summary>
    public ComplaintFields Open(Data.ComplaintRecord complaint) => new(this, Unwrap(complaint.WrappedKey, complaint.Id), complaint.Id);

    public sealed class ComplaintFields(FieldProtector protector, byte[] key, Guid owner)
    {
        /// <summary>The plaintext, or null when the field was never set.</summary>
        public string? Read(byte[]? cipher, string field) => cipher is null ? null : protector.Decrypt(key, owner, field, cipher);

        public byte[]? Seal(string? value, string field) => value is null ? null : protector.Encrypt(key, owner, field, value);
    }

    private static byte[] Aad(Guid owner, string field) => SealedBox.Aad(owner, field);

    private static byte[] Seal(byte[] key, byte[] plaintext, byte[] aad) => SealedBox.Seal(key, plaintext, aad);

    private static byte[] Open(byte[] key, byte[] sealedBytes, byte[] aad) => SealedBox.Open(key, sealedBytes, aad);
}
