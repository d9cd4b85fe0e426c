package service

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (RFC 9106 second recommendation, lighter memory for a 2-core server).
const (
	argonTime    = 2
	argonMemory  = 32 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches an encoded hash.
func VerifyPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when an account does not exist, so that timing does not tell.
// It is HashPassword("cqp-no-such-account") written out once, with the parameters above (a
// test checks they match): computing it when the package starts cost every cqp command, even
// one that never logs anyone in, 0.5 s and 32 MB (argonMemory) of resident memory.
const dummyHash = "$argon2id$v=19$m=32768,t=2,p=2$gh0ay2KjIh8KmCcDAOm8sA$zMNrX4F69TRwE36Lkv5cm1IMGcw5Hs7BO8p4CDBA7p0"

// checkPasswordStrength returns a French message when the password is too weak.
func checkPasswordStrength(pw string) string {
	if len([]rune(pw)) < 12 {
		return "Le mot de passe doit comporter au moins 12 caractères."
	}
	if len(pw) > 256 {
		return "Le mot de passe ne peut dépasser 256 caractères."
	}
	if isCommonPassword(pw) {
		return commonPasswordMessage
	}
	return ""
}

// newSecret returns a random URL-safe token and the hash stored in its place.
func newSecret() (token, hash string) {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashSecret(token)
}

func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
