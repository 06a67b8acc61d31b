# Sourced by scripts/run: the environment of a local run that shows visitors what a
# deployed site shows them (the app's own error pages, static files served by WhiteNoise),
# with a secret key of its own kept beside the database.
run_data_dir="${DATA_DIR:-var}"
mkdir -p "$run_data_dir"
run_data_dir="$(cd "$run_data_dir" && pwd)"
export DEBUG="${DEBUG:-false}"
export LOG_FORMAT="${LOG_FORMAT:-text}"
# collectstatic gathers the files here, and WhiteNoise serves them from here.
export STATIC_ROOT="${STATIC_ROOT:-$run_data_dir/static}"

if [ -z "${SECRET_KEY:-}" ]; then
  key_file="$run_data_dir/secret_key"
  if [ ! -s "$key_file" ]; then
    # Made once, readable by its owner only, and reused: a new key signs everyone out.
    (umask 077 && "${PYTHON:-python3}" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
  fi
  SECRET_KEY="$(cat "$key_file")"
  export SECRET_KEY
fi
