using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Net;

/// <summary>What is wrong with a peer's certificate (the counterpart of QSslError's kinds).</summary>
public enum TlsCertificateErrorKind
{
    /// <summary>The peer sent no certificate.</summary>
    NoCertificate,

    /// <summary>The certificate does not name the host connected to (or the server name given).</summary>
    NameMismatch,

    /// <summary>The chain ends in a root that is not trusted (a self-signed certificate, say).</summary>
    UntrustedRoot,

    /// <summary>The chain cannot be completed: an issuer is missing.</summary>
    PartialChain,

    /// <summary>The certificate (or one in its chain) has expired or is not valid yet.</summary>
    NotTimeValid,

    /// <summary>A certificate in the chain is revoked.</summary>
    Revoked,

    /// <summary>A signature in the chain does not verify.</summary>
    InvalidSignature,

    /// <summary>A certificate is not allowed to be used this way (a CA constraint or key usage).</summary>
    InvalidUsage,

    /// <summary>Any other chain problem.</summary>
    Other,
}

/// <summary>One validation error of a peer's certificate: its kind and a sentence for people.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Description">The same, in words (with the chain's own status text where there is one).</param>
public sealed record TlsCertificateError(TlsCertificateErrorKind Kind, string Description)
{
    /// <inheritdoc />
    public override string ToString() => Description;
}

/// <summary>
/// Sees the validation errors of the server's certificate and returns those to ignore, as QSslSocket's sslErrors
/// signal answered with ignoreSslErrors(list). The handshake goes on only when every error is ignored (errors are
/// matched by <see cref="TlsCertificateError.Kind"/>); returning none keeps the strict default.
/// </summary>
/// <param name="certificate">The certificate the server presented.</param>
/// <param name="errors">Every error found; never empty (the handler is not called for a valid certificate).</param>
/// <returns>The errors to ignore.</returns>
public delegate IEnumerable<TlsCertificateError> TlsCertificateErrorHandler(X509Certificate2 certificate, IReadOnlyList<TlsCertificateError> errors);
