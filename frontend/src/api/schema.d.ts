/**
 * Generated from docs/openapi.json by `npm run api-types` (openapi-typescript). Do not edit:
 * change the API's models, re-export the schema, and regenerate.
 */

export type paths = {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Is the API up */
        get: operations["health_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your jobs, newest first */
        get: operations["list_jobs_jobs_get"];
        put?: never;
        /**
         * Queue a new song
         * @description Returns at once with the QUEUED job; poll `status_url`. A repeat with the same `Idempotency-Key` returns the first job instead of creating another.
         */
        post: operations["create_job_jobs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One job: status, stage, progress, spec, QA and downloads */
        get: operations["get_job_jobs__job_id__get"];
        put?: never;
        post?: never;
        /** Delete a job and all its files */
        delete: operations["delete_job_jobs__job_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop a queued or running job */
        post: operations["cancel_job_jobs__job_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a failed or cancelled job again as a new job */
        post: operations["retry_job_jobs__job_id__retry_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{job_id}/stems.zip": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Redirect to a zip of every stem */
        get: operations["stems_zip_jobs__job_id__stems_zip_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Get where and how to upload a reference track
         * @description Declare content_type and size_bytes; the answer says how to send the file. Then pass upload_id as reference_upload_id to POST /jobs.
         */
        post: operations["create_upload_uploads_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/uploads/{upload_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Send the reference track's bytes (local server only)
         * @description The raw file as the body, with the Content-Type declared in POST /uploads. Only a reserved, unexpired upload_id of the caller takes a body, once, of exactly the declared size; type and magic bytes are checked before anything is stored.
         */
        put: operations["put_upload_uploads__upload_id__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        /** ArtifactResponse */
        ArtifactResponse: {
            /** Content Type */
            content_type: string;
            /**
             * Kind
             * @description mix, preview, stem, midi, waveform, spectrogram, report, stems_zip, ...
             */
            kind: string;
            /** Role */
            role?: string | null;
            /** Size Bytes */
            size_bytes: number;
            /**
             * Url
             * @description A download URL valid for at most 15 minutes.
             */
            url: string;
        };
        /**
         * CreateJobRequest
         * @description POST /jobs. Only `prompt` is required; explicit fields win over what the prompt says.
         * @example {
         *       "duration_s": 30,
         *       "prompt": "warm lo-fi hip hop at 80 bpm with rhodes"
         *     }
         */
        CreateJobRequest: {
            /** Duration S */
            duration_s?: number | null;
            /**
             * Master Preset
             * @description Defaults to the server's preset.
             */
            master_preset?: ("streaming" | "club" | "broadcast") | null;
            overrides?: components["schemas"]["SpecOverrides"];
            /**
             * Prompt
             * @description What the song should be.
             */
            prompt: string;
            /**
             * Provider
             * @default procedural
             * @enum {string}
             */
            provider: "procedural" | "stability";
            /**
             * Reference Upload Id
             * @description An upload_id from POST /uploads whose file was sent.
             */
            reference_upload_id?: string | null;
            /**
             * Seed
             * @description Same seed + prompt, same song.
             */
            seed?: number | null;
            /**
             * Stability Mode
             * @description Stability provider: 'guided' (default) re-renders each composed stem; 'mix' asks for the whole song in one request (mix only, no stems).
             */
            stability_mode?: ("guided" | "mix") | null;
            /**
             * Stability Strength
             * @description Stability provider, guided mode: how far the model may move from the composed stems, 0.1 (keeps their timing and harmony, changes the sound) to 0.9 (reinterprets them); default 0.35.
             */
            stability_strength?: number | null;
        };
        /**
         * CreateUploadRequest
         * @description POST /uploads: say what you will send so type and size are refused before any byte moves.
         */
        CreateUploadRequest: {
            /**
             * Content Type
             * @example audio/wav
             */
            content_type: string;
            /** Filename */
            filename?: string | null;
            /** Size Bytes */
            size_bytes: number;
        };
        /** ErrorDetail */
        ErrorDetail: {
            /**
             * Code
             * @description Stable machine-readable code, e.g. not_found, validation_error.
             */
            code: string;
            /** Details */
            details?: unknown;
            /** Message */
            message: string;
        };
        /**
         * ErrorResponse
         * @description Every 4xx and 5xx answer has this body.
         */
        ErrorResponse: {
            error: components["schemas"]["ErrorDetail"];
        };
        /** HealthResponse */
        HealthResponse: {
            /** Backend */
            backend: string;
            /**
             * Status
             * @default ok
             * @constant
             */
            status: "ok";
            /** Version */
            version: string;
        };
        /** HTTPValidationError */
        HTTPValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /** Instrument */
        Instrument: {
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /** JobError */
        JobError: {
            /**
             * Error Type
             * @default Error
             */
            error_type: string;
            /** Reason */
            reason: string;
            /** Stage */
            stage: string;
        };
        /** JobListResponse */
        JobListResponse: {
            /** Jobs */
            jobs: components["schemas"]["JobResponse"][];
            /**
             * Next Cursor
             * @description Pass as ?cursor= for the next (older) page.
             */
            next_cursor?: string | null;
        };
        /**
         * JobOptions
         * @description What the caller chose besides the prompt.
         */
        JobOptions: {
            /** Duration S */
            duration_s?: number | null;
            /**
             * Master Preset
             * @default streaming
             * @enum {string}
             */
            master_preset: "streaming" | "club" | "broadcast";
            overrides?: components["schemas"]["SpecOverrides"];
            /**
             * Provider
             * @default procedural
             * @enum {string}
             */
            provider: "procedural" | "stability";
            /** Seed */
            seed?: number | null;
            /** Stability Mode */
            stability_mode?: ("guided" | "mix") | null;
            /** Stability Strength */
            stability_strength?: number | null;
        };
        /**
         * JobResponse
         * @description A job as the web app shows it. `artifacts` is empty until the job has SUCCEEDED.
         */
        JobResponse: {
            /** Artifacts */
            artifacts?: components["schemas"]["ArtifactResponse"][];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            error?: components["schemas"]["JobError"] | null;
            /** Id */
            id: string;
            options: components["schemas"]["JobOptions"];
            /**
             * Parent Job Id
             * @description The job this one retries.
             */
            parent_job_id?: string | null;
            /** Progress */
            progress: number;
            /** Prompt */
            prompt: string;
            qa?: components["schemas"]["QAReport"] | null;
            /** Reference Key */
            reference_key?: string | null;
            spec?: components["schemas"]["MusicSpec"] | null;
            /** Stage */
            stage?: string | null;
            status: components["schemas"]["JobStatus"];
            /**
             * Status Url
             * @description GET this to follow the job.
             */
            status_url: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * JobStatus
         * @enum {string}
         */
        JobStatus: "QUEUED" | "PARSING" | "ANALYZING" | "GENERATING" | "MIXING" | "MASTERING" | "CHECKING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
        /**
         * MasterAdjustments
         * @description What QA asks the next mastering pass to change.
         */
        MasterAdjustments: {
            /**
             * Ceiling Offset Db
             * @default 0
             */
            ceiling_offset_db: number;
            /**
             * Loudness Offset Lu
             * @default 0
             */
            loudness_offset_lu: number;
        };
        /**
         * Mode
         * @enum {string}
         */
        Mode: "major" | "minor" | "dorian" | "phrygian" | "lydian" | "mixolydian" | "aeolian" | "locrian";
        /**
         * MusicSpec
         * @description The parsed request. Every generator, the mixer and QA read this and nothing else.
         */
        MusicSpec: {
            /** Bpm */
            bpm: number;
            /** Duration S */
            duration_s: number;
            /**
             * Energy
             * @default 0.5
             */
            energy: number;
            /** Excluded Roles */
            excluded_roles?: components["schemas"]["Role"][];
            /** Genre */
            genre: string;
            /** Instruments */
            instruments?: components["schemas"]["Instrument"][];
            /** Key */
            key: string;
            mode: components["schemas"]["Mode"];
            /** Mood */
            mood?: string[];
            /**
             * Notes
             * @description What the parser adjusted, in words.
             */
            notes?: string[];
            /** Provenance */
            provenance?: {
                [key: string]: components["schemas"]["Provenance"];
            };
            /** Seed */
            seed: number;
            /** Structure Hints */
            structure_hints?: string[];
            /**
             * Time Signature
             * @default 4/4
             */
            time_signature: string;
        };
        /**
         * Provenance
         * @description Where a spec value came from, so the UI and QA can tell stated from guessed.
         * @enum {string}
         */
        Provenance: "stated" | "inferred" | "defaulted" | "overridden" | "reference";
        /** QACheck */
        QACheck: {
            /**
             * Message
             * @description A human sentence saying what was found.
             */
            message: string;
            /** Name */
            name: string;
            /** Passed */
            passed: boolean;
            /**
             * Remasterable
             * @description True when another mastering pass with adjusted settings can fix it.
             * @default false
             */
            remasterable: boolean;
            /**
             * @description hard: a failure may fail the job; advisory: a style note that never does. Reports stored before the split have no severity and read as hard, as they were judged.
             * @default hard
             */
            severity: components["schemas"]["Severity"];
            /**
             * Threshold
             * @description The bound in words and numbers, e.g. '<= -1.0 dBTP'.
             */
            threshold: string;
            /** Value */
            value?: number | null;
        };
        /** QAReport */
        QAReport: {
            adjustments?: components["schemas"]["MasterAdjustments"] | null;
            /** Checks */
            checks?: components["schemas"]["QACheck"][];
            /** Integrated Lufs */
            integrated_lufs?: number | null;
            /**
             * Mastering Pass
             * @default 1
             */
            mastering_pass: number;
            /**
             * Passed
             * @description True when every hard check passed; advisory notes do not change it.
             */
            passed: boolean;
            /** Target Lufs */
            target_lufs?: number | null;
            /** True Peak Dbtp */
            true_peak_dbtp?: number | null;
        };
        /** ResponseValidationError */
        ResponseValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /**
         * Role
         * @description What a part does in the arrangement; one stem per role.
         * @enum {string}
         */
        Role: "drums" | "percussion" | "bass" | "chords" | "pad" | "lead" | "arp" | "fx" | "vocal-like";
        /**
         * Severity
         * @description What a failed check does to the job.
         * @enum {string}
         */
        Severity: "hard" | "advisory";
        /**
         * SpecOverrides
         * @description Explicit values from CLI flags or API fields; they win over the prompt text.
         */
        SpecOverrides: {
            /** Bpm */
            bpm?: number | null;
            /** Energy */
            energy?: number | null;
            /** Excluded Roles */
            excluded_roles?: components["schemas"]["Role"][] | null;
            /** Genre */
            genre?: string | null;
            /** Key */
            key?: string | null;
            mode?: components["schemas"]["Mode"] | null;
            /** Time Signature */
            time_signature?: string | null;
        };
        /**
         * UploadResponse
         * @description How to send the file: in the cloud a multipart POST of `fields` + the file to `url` (S3);
         *     locally a PUT of the raw bytes to `url` with the given headers.
         */
        UploadResponse: {
            /** Expires In S */
            expires_in_s: number;
            /** Fields */
            fields?: {
                [key: string]: string;
            };
            /** Headers */
            headers?: {
                [key: string]: string;
            };
            /** Max Bytes */
            max_bytes: number;
            /**
             * Method
             * @enum {string}
             */
            method: "POST" | "PUT";
            /** Upload Id */
            upload_id: string;
            /** Url */
            url: string;
        };
        /** UploadStoredResponse */
        UploadStoredResponse: {
            /** Content Type */
            content_type: string;
            /** Size Bytes */
            size_bytes: number;
            /** Upload Id */
            upload_id: string;
        };
        /** ValidationError */
        ValidationError: {
            /** Location */
            loc: (string | number)[];
            /** Error Type */
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    health_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    list_jobs_jobs_get: {
        parameters: {
            query?: {
                /** @description next_cursor of the previous page. */
                cursor?: string | null;
                /** @description Page size. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobListResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    create_job_jobs_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique string per intended job (e.g. a UUID); kept 24 h. */
                "idempotency-key"?: string | null;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateJobRequest"];
            };
        };
        responses: {
            /** @description Queued. */
            202: {
                headers: {
                    /** @description The job's status_url. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_job_jobs__job_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    delete_job_jobs__job_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with its files. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    cancel_job_jobs__job_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled job. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    retry_job_jobs__job_id__retry_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new job, queued. */
            202: {
                headers: {
                    /** @description The new job's status_url. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    stems_zip_jobs__job_id__stems_zip_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                job_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Found: Location is the zip. */
            302: {
                headers: {
                    /** @description A download URL valid for at most 15 minutes. */
                    Location?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    create_upload_uploads_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUploadRequest"];
            };
        };
        responses: {
            /** @description How to send the file. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body or file is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The file type is not accepted. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    put_upload_uploads__upload_id__put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                upload_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Stored. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UploadStoredResponse"];
                };
            };
            /** @description The request cannot be carried out (bad value, unknown upload, ...). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description No valid identity: send Authorization: Bearer <API key>. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Not found, or it belongs to someone else. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The job's status does not allow this. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The body or file is too large. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The file type is not accepted. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description A field is invalid; details.fields lists them. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
