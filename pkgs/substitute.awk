# Literal replacements over a whole file, driven by the environment (see setup.sh):
# SUBST_N pairs SUBST_OLD_i/SUBST_NEW_i with SUBST_MODE_i (fail, warn, quiet), and with
# SUBST_ALL set, @name@ for every lower-case environment variable.
function replace(s, old, new, mode,    r, p, found) {
    if (old == "") return s
    r = ""
    found = 0
    while ((p = index(s, old)) > 0) {
        r = r substr(s, 1, p - 1) new
        s = substr(s, p + length(old))
        found = 1
    }
    if (!found && mode == "fail") {
        printf "substitute: '%s' does not occur in '%s'\n", old, FILENAME > "/dev/stderr"
        failed = 1
        exit 1
    }
    if (!found && mode == "warn")
        printf "substitute: warning: '%s' does not occur in '%s'\n", old, FILENAME > "/dev/stderr"
    return r s
}
{ text = text (NR > 1 ? "\n" : "") $0 }
END {
    if (failed) exit 1
    n = ENVIRON["SUBST_N"] + 0
    for (i = 1; i <= n; i++)
        text = replace(text, ENVIRON["SUBST_OLD_" i], ENVIRON["SUBST_NEW_" i], ENVIRON["SUBST_MODE_" i])
    if (ENVIRON["SUBST_ALL"] != "")
        for (k in ENVIRON)
            if (k ~ /^[a-z][A-Za-z0-9_]*$/)
                text = replace(text, "@" k "@", ENVIRON[k], "quiet")
    printf "%s", text
    if (NR > 0) printf "\n"
}
