# The environment of runCommand builds: busybox's applets on the PATH, the substitute
# helpers below, then the build command. Runs under busybox sh with `set -e`.

# substitute IN OUT [--replace-fail OLD NEW | --replace-warn OLD NEW |
#   --replace-quiet OLD NEW | --replace OLD NEW | --subst-var NAME |
#   --subst-var-by NAME VALUE]...
# Copies IN to OUT, replacing literal strings in order. --replace-fail fails when OLD
# does not occur; --subst-var NAME replaces @NAME@ with $NAME (which must be set).
substitute() {
    local input="$1" output="$2" n=0 mode old new
    shift 2
    if [ ! -f "$input" ]; then
        echo "substitute: '$input' is not a file" >&2
        return 1
    fi
    while [ $# -gt 0 ]; do
        case "$1" in
            --replace-fail|--replace-warn|--replace-quiet|--replace)
                [ $# -ge 3 ] || { echo "substitute: $1 needs two arguments" >&2; return 1; }
                mode="${1#--replace-}"
                [ "$1" = --replace ] && mode=warn
                old="$2"; new="$3"; shift 3 ;;
            --subst-var)
                [ $# -ge 2 ] || { echo "substitute: --subst-var needs a name" >&2; return 1; }
                if ! eval "[ -n \"\${$2+set}\" ]"; then
                    echo "substitute: --subst-var: '$2' is not set" >&2
                    return 1
                fi
                mode=fail; old="@$2@"; eval "new=\"\$$2\""; shift 2 ;;
            --subst-var-by)
                [ $# -ge 3 ] || { echo "substitute: --subst-var-by needs a name and a value" >&2; return 1; }
                mode=fail; old="@$2@"; new="$3"; shift 3 ;;
            *)
                echo "substitute: unknown argument '$1'" >&2
                return 1 ;;
        esac
        n=$((n + 1))
        export "SUBST_OLD_$n=$old" "SUBST_NEW_$n=$new" "SUBST_MODE_$n=$mode"
    done
    SUBST_N=$n SUBST_ALL="${SUBST_ALL:-}" awk -f "$substituteAwk" "$input" > "$output.tmp" \
        || { rm -f "$output.tmp"; return 1; }
    mv "$output.tmp" "$output"
}

# substituteInPlace FILE [the options of substitute]...
substituteInPlace() {
    local file="$1"
    shift
    substitute "$file" "$file" "$@"
}

# substituteAll IN OUT: replaces @name@ with $name for every environment variable whose
# name starts with a lower-case letter.
substituteAll() {
    SUBST_ALL=1 substitute "$1" "$2"
}

if [ -n "${buildCommandPath:-}" ]; then
    . "$buildCommandPath"
else
    eval "$buildCommand"
fi
