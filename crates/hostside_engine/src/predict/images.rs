//! The image knowledge base: what Hostside knows about the images it can predict for, one
//! entry per image, each fact with its source. Everything here comes from
//! `../shared/reference/image-facts.md` (section per entry); log lines are copied byte for
//! byte from there, `{port}` standing for the port the image binds (the reference's lines
//! show port 80). Review changes here like code: a prediction is only as good as its entry.
//!
//! Confidence follows the reference's marks: **V** → verified, **D** and **I** (official
//! docs, real users' reports) → documented, **R** (reasoning) → inferred.
//!
//! Images are matched by repository ([`repository`]): registry host, `library/`, tag and
//! digest do not matter. Images not listed here get no image-specific prediction.

use crate::report::Confidence::{self, Documented, Inferred, Verified};

/// The image's default user (`USER` of its Dockerfile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum User {
    /// No `USER`, or `USER root`/`0`.
    Root,
    /// A numeric `USER uid[:gid]`; without a gid (and no passwd entry) the primary group is 0.
    Numeric { uid: i64, gid: Option<i64> },
    /// A named `USER`: the kubelet cannot verify it is non-root.
    Named { name: &'static str },
}

/// What the user sees when one of the image's assumptions breaks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Failure {
    /// Log lines (or the event message), literal.
    pub lines: &'static [&'static str],
    /// Where the lines were seen (issue, docs, script).
    pub source: &'static str,
    pub confidence: Confidence,
    /// The container exits (or never starts); otherwise it keeps running, degraded.
    pub fatal: bool,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Image {
    pub name: &'static str,
    /// `image-facts.md §N`.
    pub section: &'static str,
    /// Normalised repositories (see [`repository`]).
    pub repositories: &'static [&'static str],
    /// Where the user, ports and paths come from.
    pub source: &'static str,
    pub user: User,
    /// A non-root UID the image is documented to work as (its own user), for fixes.
    pub non_root_uid: Option<i64>,
    /// Ports the image listens on by default.
    pub ports: &'static [u16],
    /// Paths it must be able to write at start.
    pub writes: &'static [&'static str],
    /// Its writable paths are group 0's (`chmod g+rwX`): a process whose primary group is not
    /// 0 cannot write them, with these lines.
    pub group0: Option<Failure>,
    /// As root the entrypoint chowns its data directories (then steps down); with the
    /// capabilities dropped the chown fails with these lines.
    pub root_chown: Option<Failure>,
    /// Capabilities set as file capabilities on the entrypoint: without them in the bounding
    /// set `execve` fails with these lines.
    pub file_caps: &'static [&'static str],
    pub file_caps_failure: Option<Failure>,
    /// Binding a port below the runtime's floor as non-root.
    pub bind: Option<Failure>,
    /// A read-only root filesystem without volumes at `writes`.
    pub read_only: Option<Failure>,
    /// The data directory a volume usually holds, and what a non-root process prints when that
    /// volume is root-owned (a fresh PersistentVolumeClaim without `fsGroup`, §0.6).
    pub data: Option<(&'static str, Failure)>,
    /// The application refuses to run as UID 0.
    pub refuses_root: Option<Failure>,
    /// Its `writes` are owned by root and writable only by root, and the image creates them
    /// at start, before it listens: a non-root UID fails there with these lines (about the
    /// first of `writes`).
    pub root_owned: Option<Failure>,
}

const BASE: Image = Image {
    name: "",
    section: "",
    repositories: &[],
    source: "",
    user: User::Root,
    non_root_uid: None,
    ports: &[],
    writes: &[],
    group0: None,
    root_chown: None,
    file_caps: &[],
    file_caps_failure: None,
    bind: None,
    read_only: None,
    data: None,
    refuses_root: None,
    root_owned: None,
};

const fn data(
    path: &'static str,
    lines: &'static [&'static str],
    source: &'static str,
    confidence: Confidence,
) -> Option<(&'static str, Failure)> {
    Some((path, Failure { lines, source, confidence, fatal: true }))
}

const fn failure(lines: &'static [&'static str], source: &'static str, confidence: Confidence) -> Option<Failure> {
    Some(Failure { lines, source, confidence, fatal: true })
}

const NGINX_BIND: Option<Failure> = failure(
    &["nginx: [emerg] bind() to 0.0.0.0:{port} failed (13: Permission denied)"],
    "image-facts.md §0.2, §1 (nginx/docker-nginx#571)",
    Documented,
);
const APACHE_BIND: Option<Failure> = failure(
    &[
        "(13)Permission denied: AH00072: make_sock: could not bind to address [::]:{port}",
        "(13)Permission denied: AH00072: make_sock: could not bind to address 0.0.0.0:{port}",
        "no listening sockets available, shutting down",
        "AH00015: Unable to open logs",
    ],
    "image-facts.md §0.2 (docker-library/php#1070)",
    Documented,
);
const BITNAMI: &str = "image-facts.md §G (bitnami/containers Dockerfiles: USER 1001, chmod g+rwX /opt/bitnami)";
const NOBODY: User = User::Named { name: "nobody" };

pub(crate) static IMAGES: &[Image] = &[
    Image {
        name: "nginx",
        section: "image-facts.md §1",
        repositories: &["nginx"],
        source: "nginxinc/docker-nginx@b430becb8f0f:mainline/debian/Dockerfile; docker-library/docs@c4a9ba41443:nginx/content.md",
        non_root_uid: Some(101),
        ports: &[80],
        // The temp paths' parent, then the pid file's directory (`/var/run/nginx.pid`; a
        // symlink to /run in the image). Both root-owned 755 (nginx/docker-nginx#329).
        writes: &["/var/cache/nginx", "/var/run"],
        bind: NGINX_BIND,
        // nginx creates its temp paths (ngx_create_paths in ngx_init_cycle) before it opens
        // its listening sockets: this comes before the :80 bind failure (image-facts.md §1).
        root_owned: failure(
            &[r#"nginx: [emerg] mkdir() "/var/cache/nginx/client_temp" failed (13: Permission denied)"#],
            "image-facts.md §1 (reportportal/kubernetes#308, sclorg/nginx-container#208; /var/cache/nginx root-owned 755, nginx/docker-nginx#329)",
            Documented,
        ),
        read_only: failure(
            &[r#"[emerg] 1#1: mkdir() "/var/cache/nginx/proxy_temp" failed (30: Read-only file system)"#],
            "image-facts.md §0.10 (nginx/docker-nginx-unprivileged#17)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "nginx-unprivileged",
        section: "image-facts.md §2",
        repositories: &["nginxinc/nginx-unprivileged"],
        source: "nginx/docker-nginx-unprivileged@0d302b35d6ed:mainline/debian/Dockerfile",
        user: User::Numeric { uid: 101, gid: None },
        non_root_uid: Some(101),
        ports: &[8080],
        writes: &["/tmp"],
        ..BASE
    },
    Image {
        name: "httpd",
        section: "image-facts.md §3",
        repositories: &["httpd"],
        source: "docker-library/httpd@9b63b37c9be3:2.4/Dockerfile",
        ports: &[80],
        bind: APACHE_BIND,
        ..BASE
    },
    Image {
        name: "traefik",
        section: "image-facts.md §4",
        repositories: &["traefik"],
        source: "traefik/traefik-library-image@697393828fd8:v3.7/alpine/Dockerfile",
        ports: &[80],
        bind: failure(
            &["Error creating server: listen tcp :{port}: bind: permission denied"],
            "image-facts.md §4 (rawmind0/alpine-traefik#17)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "haproxy",
        section: "image-facts.md §5",
        repositories: &["haproxy"],
        // USER haproxy since 2.4; 2.3 and older ran as root.
        source: "docker-library/haproxy@ec437dd2a365:3.2/Dockerfile",
        user: User::Named { name: "haproxy" },
        non_root_uid: Some(99),
        writes: &["/var/lib/haproxy"],
        ..BASE
    },
    Image {
        name: "ingress-nginx controller",
        section: "image-facts.md §6",
        repositories: &["ingress-nginx/controller"],
        source: "kubernetes/ingress-nginx@dbb11b92ddb7:rootfs/Dockerfile",
        user: User::Named { name: "www-data" },
        non_root_uid: Some(101),
        ports: &[80, 443],
        file_caps: &["NET_BIND_SERVICE"],
        file_caps_failure: failure(
            &["exec /usr/bin/dumb-init: operation not permitted"],
            "image-facts.md §0.3, §6 (kubernetes/ingress-nginx#10865, #10002)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "postgres",
        section: "image-facts.md §8",
        repositories: &["postgres"],
        source: "docker-library/postgres@6edb0a8c4def:17/trixie/Dockerfile, 18/trixie/docker-entrypoint.sh",
        non_root_uid: Some(999),
        ports: &[5432],
        writes: &["/var/lib/postgresql/data", "/var/run/postgresql"],
        // PGDATA of 17 and older; 18+ keeps data under /var/lib/postgresql/18/docker.
        data: data(
            "/var/lib/postgresql/data",
            &[
                "chmod: changing permissions of '/var/lib/postgresql/data': Operation not permitted",
                r#"initdb: error: could not change permissions of directory "/var/lib/postgresql/data": Operation not permitted"#,
            ],
            "image-facts.md §8 (docker-library/postgres#917, #1065, #563)",
            Documented,
        ),
        root_chown: failure(
            &["chown: changing ownership of '/var/lib/postgresql/data': Operation not permitted"],
            "image-facts.md §0.4 (docker-library/postgres#361)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "mysql",
        section: "image-facts.md §9",
        repositories: &["mysql"],
        source: "docker-library/mysql@7f30fdb07380:8.4/Dockerfile.oracle, 8.4/docker-entrypoint.sh",
        non_root_uid: Some(999),
        ports: &[3306, 33060],
        writes: &["/var/lib/mysql", "/var/run/mysqld"],
        data: data(
            "/var/lib/mysql",
            &[
                "mysqld: Can't create/write to file '/var/lib/mysql/is_writable' (Errcode: 13 - Permission denied)",
                "[ERROR] --initialize specified but the data directory exists and is not writable. Aborting.",
            ],
            "image-facts.md §9 (docker-library/mysql#219)",
            Documented,
        ),
        root_chown: failure(
            &["chown: changing ownership of '/var/lib/mysql/': Operation not permitted"],
            "image-facts.md §0.4, §9 (docker-library/mysql#187, #396)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "mariadb",
        section: "image-facts.md §10",
        repositories: &["mariadb"],
        source: "MariaDB/mariadb-docker@1b6429ba3544:11.8/Dockerfile, 11.8/docker-entrypoint.sh",
        non_root_uid: Some(999),
        ports: &[3306],
        writes: &["/var/lib/mysql", "/run/mysqld"],
        // Current entrypoints carry on when a chown fails; older ones stopped.
        root_chown: Some(Failure {
            lines: &[
                "chown: changing ownership of '/var/lib/mysql/': Operation not permitted",
                "Cannot change ownership of the database directories to the 'mysql'",
            ],
            source: "image-facts.md §10 (MariaDB/mariadb-docker#149, #304)",
            confidence: Documented,
            fatal: false,
        }),
        ..BASE
    },
    Image {
        name: "redis",
        section: "image-facts.md §11",
        repositories: &["redis"],
        source: "docker-library/redis@e92049967d6b:7.4-rc/debian/Dockerfile",
        non_root_uid: Some(999),
        ports: &[6379],
        writes: &["/data"],
        // The server starts; saving fails every few seconds.
        data: Some((
            "/data",
            Failure {
                lines: &[
                    "Failed opening the temp RDB file temp-60.rdb (in server root dir /data) for saving: Permission denied",
                    "Background saving error",
                ],
                source: "image-facts.md §11 (jeremylvln/Shulker#446, nextcloud/all-in-one#4791)",
                confidence: Documented,
                fatal: false,
            },
        )),
        ..BASE
    },
    Image {
        name: "mongo",
        section: "image-facts.md §12",
        repositories: &["mongo"],
        source: "docker-library/mongo@2c69a57b939a:8.0/Dockerfile",
        non_root_uid: Some(999),
        ports: &[27017],
        writes: &["/data/db", "/data/configdb"],
        data: data(
            "/data/db",
            &[
                r#""msg":"DBException in initAndListen, terminating","attr":{"error":"IllegalOperation: Attempted to create a lock file on a read-only directory: /data/db"}"#,
            ],
            "image-facts.md §12 (petio-team/petio#370)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "rabbitmq",
        section: "image-facts.md §13",
        repositories: &["rabbitmq"],
        source: "docker-library/rabbitmq@9193c1de6d32:4.3/ubuntu/Dockerfile",
        non_root_uid: Some(999),
        ports: &[4369, 5671, 5672, 15691, 15692, 25672],
        writes: &["/var/lib/rabbitmq"],
        data: data(
            "/var/lib/rabbitmq",
            &["Failed to create cookie file '/var/lib/rabbitmq/.erlang.cookie': eacces"],
            "image-facts.md §13 (docker-library/rabbitmq#571)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "elasticsearch",
        section: "image-facts.md §14",
        repositories: &["elasticsearch/elasticsearch"],
        source: "elastic/dockerfiles@0bbe2f0a6456:elasticsearch/Dockerfile",
        user: User::Numeric { uid: 1000, gid: Some(0) },
        non_root_uid: Some(1000),
        ports: &[9200, 9300],
        writes: &["/usr/share/elasticsearch/data", "/usr/share/elasticsearch/logs"],
        refuses_root: failure(
            &["java.lang.RuntimeException: can not run elasticsearch as root"],
            "image-facts.md §14 (elastic/elasticsearch#25514, spujadas/elk-docker#318)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "memcached",
        section: "image-facts.md §15",
        repositories: &["memcached"],
        source: "docker-library/memcached@53ac0ecb0bf8:1/debian/Dockerfile",
        user: User::Named { name: "memcache" },
        non_root_uid: Some(11211),
        ports: &[11211],
        ..BASE
    },
    Image {
        name: "minio",
        section: "image-facts.md §16",
        repositories: &["minio/minio"],
        source: "minio/minio@7aac2a2c5b7c:Dockerfile.release",
        ports: &[9000],
        writes: &["/data"],
        data: data(
            "/data",
            &["ERROR Unable to initialize backend mkdir /data/.minio.sys: permission denied"],
            "image-facts.md §16 (minio/minio#13663)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "cassandra (kubernetes/examples)",
        section: "image-facts.md §17",
        repositories: &["google-samples/cassandra"],
        source: "kubernetes/examples@279e8e4fe314:databases/cassandra/image/Dockerfile, files/run.sh",
        ports: &[7000, 7001, 7199, 9042, 9160],
        ..BASE
    },
    Image {
        name: "wordpress",
        section: "image-facts.md §18",
        repositories: &["wordpress"],
        source: "docker-library/wordpress@bf223d1c2087:latest/php8.5/apache/Dockerfile",
        non_root_uid: Some(33),
        ports: &[80],
        writes: &["/var/www/html"],
        bind: APACHE_BIND,
        ..BASE
    },
    Image {
        name: "busybox",
        section: "image-facts.md §19",
        repositories: &["busybox"],
        source: "docker-library/busybox#107",
        ..BASE
    },
    Image {
        name: "alpine",
        section: "image-facts.md §20",
        repositories: &["alpine"],
        source: "alpinelinux/docker-alpine@00d3407329e4:aarch64/Dockerfile",
        ..BASE
    },
    Image {
        name: "node",
        section: "image-facts.md §21",
        repositories: &["node"],
        source: "nodejs/docker-node@f27d936f7d7c:26/bookworm/Dockerfile",
        non_root_uid: Some(1000),
        ..BASE
    },
    Image {
        name: "python",
        section: "image-facts.md §22",
        repositories: &["python"],
        source: "docker-library/python@4f07059567fa:3.14/slim-bookworm/Dockerfile",
        ..BASE
    },
    Image {
        name: "jenkins",
        section: "image-facts.md §23",
        repositories: &["jenkins/jenkins"],
        source: "jenkinsci/docker@ab3f5e0a80d6:debian/Dockerfile, jenkins.sh",
        user: User::Named { name: "jenkins" },
        non_root_uid: Some(1000),
        ports: &[8080, 50000],
        writes: &["/var/jenkins_home"],
        data: data(
            "/var/jenkins_home",
            &["Can not write to /var/jenkins_home/copy_reference_file.log. Wrong volume permissions?"],
            "image-facts.md §23 (jenkinsci/docker@ab3f5e0a80d6:jenkins.sh)",
            Verified,
        ),
        ..BASE
    },
    Image {
        name: "keycloak",
        section: "image-facts.md §24",
        repositories: &["keycloak/keycloak"],
        source: "keycloak/keycloak@1842fa971e24:quarkus/container/Dockerfile",
        user: User::Numeric { uid: 1000, gid: None },
        non_root_uid: Some(1000),
        ports: &[8080, 8443, 9000],
        ..BASE
    },
    Image {
        name: "grafana",
        section: "image-facts.md §25",
        repositories: &["grafana/grafana"],
        source: "grafana/grafana@78515af65f03:Dockerfile",
        user: User::Numeric { uid: 472, gid: Some(0) },
        non_root_uid: Some(472),
        ports: &[3000],
        writes: &["/var/lib/grafana"],
        data: data(
            "/var/lib/grafana",
            &[
                "GF_PATHS_DATA='/var/lib/grafana' is not writable.",
                "You may have issues with file permissions, more information here: http://docs.grafana.org/installation/docker/#migrate-to-v51-or-later",
                "mkdir: can't create directory '/var/lib/grafana/plugins': Permission denied",
            ],
            "image-facts.md §25 (oijkn/Docker-Raspberry-PI-Monitoring#15)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "prometheus",
        section: "image-facts.md §26",
        repositories: &["prometheus/prometheus", "prom/prometheus"],
        source: "prometheus/prometheus@d15adb9ad7e5:Dockerfile",
        user: NOBODY,
        non_root_uid: Some(65534),
        ports: &[9090],
        writes: &["/prometheus"],
        data: data(
            "/prometheus",
            &[
                r#"component=activeQueryTracker msg="Error opening query log file" file=/prometheus/queries.active err="open /prometheus/queries.active: permission denied""#,
                "panic: Unable to create mmap-ed active query log",
            ],
            "image-facts.md §26 (prometheus/prometheus#5976, #9704)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "alertmanager",
        section: "image-facts.md §27",
        repositories: &["prometheus/alertmanager", "prom/alertmanager"],
        source: "prometheus/alertmanager@02a50dd3c158:Dockerfile",
        user: NOBODY,
        non_root_uid: Some(65534),
        ports: &[9093],
        writes: &["/alertmanager"],
        ..BASE
    },
    Image {
        name: "node-exporter",
        section: "image-facts.md §28",
        repositories: &["prometheus/node-exporter", "prom/node-exporter"],
        source: "prometheus/node_exporter@a7dcc3a01545:Dockerfile",
        user: NOBODY,
        non_root_uid: Some(65534),
        ports: &[9100],
        ..BASE
    },
    Image {
        name: "kube-state-metrics",
        section: "image-facts.md §29",
        repositories: &["kube-state-metrics/kube-state-metrics"],
        source: "kubernetes/kube-state-metrics@0711980b0fdb:Dockerfile",
        user: NOBODY,
        non_root_uid: Some(65534),
        ports: &[8080, 8081],
        ..BASE
    },
    Image {
        name: "fluentd",
        section: "image-facts.md §30",
        repositories: &["fluent/fluentd"],
        // `useradd -r`: the UID of `fluent` is not pinned, so no fix can name it.
        source: "fluent/fluentd-docker-image@426b4a18a0e5:v1.19/debian/Dockerfile",
        user: User::Named { name: "fluent" },
        ports: &[24224, 5140],
        ..BASE
    },
    Image {
        name: "fluentd-kubernetes-daemonset",
        section: "image-facts.md §31",
        repositories: &["fluent/fluentd-kubernetes-daemonset"],
        source: "fluent/fluentd-kubernetes-daemonset@849b9e1ecd84:docker-image/v1.19/debian-elasticsearch8/Dockerfile",
        ..BASE
    },
    Image {
        name: "fluent-bit",
        section: "image-facts.md §32",
        repositories: &["fluent/fluent-bit"],
        source: "fluent/fluent-bit@d55459d492c5:dockerfiles/Dockerfile",
        ports: &[2020],
        ..BASE
    },
    Image {
        name: "linkerd proxy-init",
        section: "image-facts.md §35",
        repositories: &["linkerd/proxy-init"],
        source: "linkerd/linkerd2-proxy-init@183e791d99dc:Dockerfile",
        user: User::Numeric { uid: 65534, gid: None },
        non_root_uid: Some(65534),
        ..BASE
    },
    Image {
        name: "cert-manager",
        section: "image-facts.md §37",
        repositories: &[
            "jetstack/cert-manager-controller",
            "jetstack/cert-manager-cainjector",
            "jetstack/cert-manager-webhook",
        ],
        source: "cert-manager/cert-manager@2d0d7f7f7424:hack/containers/Containerfile.*",
        user: User::Numeric { uid: 65532, gid: None },
        non_root_uid: Some(65532),
        ports: &[9402, 9403],
        ..BASE
    },
    Image {
        name: "metrics-server",
        section: "image-facts.md §38",
        repositories: &["metrics-server/metrics-server"],
        source: "kubernetes-sigs/metrics-server@5ed5d3a2cf94:Dockerfile",
        user: User::Numeric { uid: 65534, gid: None },
        non_root_uid: Some(65534),
        ports: &[10250],
        ..BASE
    },
    Image {
        name: "argocd",
        section: "image-facts.md §39",
        repositories: &["argoproj/argocd"],
        source: "argoproj/argo-cd@37ee0097cf85:Dockerfile",
        user: User::Numeric { uid: 999, gid: None },
        non_root_uid: Some(999),
        ports: &[8080, 8081, 8082, 8083, 8084, 7000],
        ..BASE
    },
    Image {
        name: "coredns",
        section: "image-facts.md §40",
        repositories: &["coredns/coredns"],
        source: "coredns/coredns@4b26cced3271:Dockerfile",
        user: User::Numeric { uid: 65532, gid: Some(65532) },
        non_root_uid: Some(65532),
        ports: &[53],
        file_caps: &["NET_BIND_SERVICE"],
        // §0.3's exec failure with coredns's entrypoint; no coredns log was quoted.
        file_caps_failure: failure(
            &["exec /coredns: operation not permitted"],
            "image-facts.md §0.3, §40 (coredns/coredns@4b26cced3271:Dockerfile)",
            Inferred,
        ),
        ..BASE
    },
    Image {
        name: "bitnami/mariadb",
        section: "image-facts.md §42",
        repositories: &["bitnami/mariadb", "bitnamilegacy/mariadb"],
        source: BITNAMI,
        user: User::Numeric { uid: 1001, gid: None },
        non_root_uid: Some(1001),
        ports: &[3306],
        writes: &["/opt/bitnami/mariadb/tmp", "/opt/bitnami/mariadb/logs"],
        data: data(
            "/bitnami/mariadb",
            &["mkdir: cannot create directory '/bitnami/mariadb/data': Permission denied"],
            "image-facts.md §42 (bitnami/bitnami-docker-mariadb#275)",
            Documented,
        ),
        group0: failure(
            &[
                r#"[ERROR] mysqld: Can't create/write to file '/opt/bitnami/mariadb/tmp/ibazlDcU' (Errcode: 13 "Permission denied")"#,
                "[ERROR] InnoDB: Unable to create temporary file; errno: 13",
            ],
            "image-facts.md §0.5, §42 (bitnami/vms#855)",
            Inferred,
        ),
        ..BASE
    },
    Image {
        name: "bitnami/wordpress",
        section: "image-facts.md §43",
        repositories: &["bitnami/wordpress", "bitnamilegacy/wordpress"],
        source: BITNAMI,
        user: User::Numeric { uid: 1001, gid: None },
        non_root_uid: Some(1001),
        ports: &[8080, 8443],
        ..BASE
    },
    Image {
        name: "bitnami/postgresql",
        section: "image-facts.md §44",
        repositories: &["bitnami/postgresql", "bitnamilegacy/postgresql"],
        source: BITNAMI,
        user: User::Numeric { uid: 1001, gid: None },
        non_root_uid: Some(1001),
        ports: &[5432],
        ..BASE
    },
    Image {
        name: "bitnami/redis",
        section: "image-facts.md §45",
        repositories: &["bitnami/redis", "bitnamilegacy/redis"],
        source: BITNAMI,
        user: User::Numeric { uid: 1001, gid: None },
        non_root_uid: Some(1001),
        ports: &[6379],
        writes: &["/opt/bitnami/redis/tmp", "/opt/bitnami/redis/etc", "/opt/bitnami/redis/logs"],
        group0: failure(
            &["mkdir: cannot create directory '/opt/bitnami/redis/tmp': Permission denied"],
            "image-facts.md §0.5, §45 (bitnami/bitnami-docker-redis-cluster#36)",
            Documented,
        ),
        ..BASE
    },
    Image {
        name: "bitnami/nginx",
        section: "image-facts.md §46",
        repositories: &["bitnami/nginx", "bitnamilegacy/nginx"],
        source: BITNAMI,
        user: User::Numeric { uid: 1001, gid: None },
        non_root_uid: Some(1001),
        ports: &[8080, 8443],
        ..BASE
    },
    Image {
        name: "k3s",
        section: "scenarios/01-vcluster-install.yaml, Expect",
        repositories: &["rancher/k3s"],
        // The story's vcluster 0.7 chart ran k3s as root; the kubelet refused it under
        // runAsNonRoot (scenarios/01-vcluster-install.yaml, Expect).
        source: "scenarios/01-vcluster-install.yaml; image-facts.md §0.1",
        // What the story's users set by hand (scenario 01, Expect).
        non_root_uid: Some(1000),
        ..BASE
    },
    Image {
        name: "vcluster syncer",
        section: "vcluster-translation.md §3.10",
        repositories: &["loftsh/vcluster", "loft-sh/vcluster"],
        // "the default chart runs it as root".
        source: "vcluster-translation.md §3.10; scenarios/01-vcluster-install.yaml",
        non_root_uid: Some(1000),
        ..BASE
    },
];

/// The repository of an image reference: registry host, `library/`, tag and digest removed
/// (`docker.io/library/nginx:1.25`, `nginx`, `mirror.gcr.io/library/nginx@sha256:…` → `nginx`).
pub(crate) fn repository(reference: &str) -> String {
    let reference = reference.trim();
    let without_digest = reference.split_once('@').map_or(reference, |(name, _)| name);
    // A tag is a `:` after the last `/` (a `:` before it is a registry port).
    let name = match without_digest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => name,
        _ => without_digest,
    };
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost") {
        parts.remove(0);
    }
    if parts.len() > 1 && parts[0] == "library" {
        parts.remove(0);
    }
    parts.join("/").to_ascii_lowercase()
}

/// The knowledge base's entry for an image reference.
pub(crate) fn lookup(reference: &str) -> Option<&'static Image> {
    let repository = repository(reference);
    IMAGES.iter().find(|image| image.repositories.contains(&repository.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_match_by_repository() {
        for reference in [
            "nginx",
            "nginx:1.25",
            "docker.io/library/nginx:1.25",
            "index.docker.io/library/nginx",
            "mirror.gcr.io/library/nginx@sha256:0123abcd",
            "library/nginx:1.25@sha256:0123abcd",
            "localhost:5000/nginx:1.25",
        ] {
            assert_eq!(repository(reference), "nginx", "{reference}");
            assert_eq!(lookup(reference).map(|i| i.name), Some("nginx"), "{reference}");
        }
        assert_eq!(lookup("docker.io/bitnami/mariadb:10.5.15-debian-10-r30").map(|i| i.name), Some("bitnami/mariadb"));
        assert_eq!(lookup("registry.k8s.io/coredns/coredns:v1.11.1").map(|i| i.name), Some("coredns"));
        assert_eq!(lookup("coredns/coredns").map(|i| i.name), Some("coredns"));
        assert_eq!(lookup("quay.io/prometheus/prometheus:v2.50.0").map(|i| i.name), Some("prometheus"));
    }

    #[test]
    fn other_repositories_do_not_match() {
        assert!(lookup("nginxinc/nginx-unprivileged:1.25").is_some_and(|i| i.name == "nginx-unprivileged"));
        assert!(lookup("example.com/team/nginx:1.25").is_none());
        assert!(lookup("mariadb-operator").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn every_entry_cites_its_source() {
        assert!(IMAGES.len() >= 30);
        for image in IMAGES {
            assert!(!image.section.is_empty() && !image.source.is_empty(), "{}", image.name);
            assert!(!image.repositories.is_empty(), "{}", image.name);
            for repository in image.repositories {
                assert_eq!(super::repository(repository), *repository, "{} is not normalised", image.name);
            }
            let data = image.data.map(|(_, failure)| failure);
            let failures = [image.group0, image.root_chown, image.file_caps_failure, image.bind, image.read_only];
            for failure in failures.into_iter().chain([data, image.refuses_root, image.root_owned]).flatten() {
                assert!(!failure.lines.is_empty() && failure.source.contains("image-facts.md"), "{}", image.name);
            }
            assert_eq!(image.file_caps.is_empty(), image.file_caps_failure.is_none(), "{}", image.name);
            assert!(image.root_owned.is_none() || !image.writes.is_empty(), "{}", image.name);
        }
    }

    #[test]
    fn confidence_is_from_the_reference() {
        assert_eq!(lookup("nginx").and_then(|i| i.bind).map(|f| f.confidence), Some(Documented));
        assert_eq!(lookup("bitnami/mariadb").and_then(|i| i.group0).map(|f| f.confidence), Some(Inferred));
    }
}
